// Proves every mailsim command answers --help, and bad input exits 2 with one line on stderr and no stack trace.
import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mailsim, STACK_LINE } from './mailsim.ts';

const COMMANDS = ['run', 'sweep', 'replay', 'shrink', 'export', 'bench', 'suite', 'report', 'gate'];

describe('mailsim --help', () => {
  it('lists every command', async () => {
    const run = await mailsim(['--help']);
    expect(run.code).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it.each(COMMANDS)('answers %s --help', async (command) => {
    const run = await mailsim([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: mailsim ${command}`);
  });
});

describe('bad input', () => {
  const expectOneLineExit2 = (run: { code: number | null; stderr: string }, pattern: RegExp): void => {
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(pattern);
    expect(run.stderr).not.toMatch(STACK_LINE);
  };

  it('a missing scenario file', async () => {
    const run = await mailsim(['run', 'no/such/file.yaml']);
    expectOneLineExit2(run, /^mailsim: no\/such\/file\.yaml: no such file \[E_SCENARIO\]$/m);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a scenario with a bad field names the field and line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailsim-e2e-'));
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'name: bad\nservers: 0\n');
    const run = await mailsim(['run', file]);
    expectOneLineExit2(run, /bad\.yaml:2: servers: .*\[E_SCENARIO\]/);
  });

  it('a bad --set override', async () => {
    const run = await mailsim(['run', 'test/e2e/fixtures/tiny-valid.yaml', '--set', 'workload.opsMax=lots']);
    expectOneLineExit2(run, /workload\.opsMax.*\[E_SCENARIO\]/);
  });

  it('an unknown option and an unknown command', async () => {
    expectOneLineExit2(await mailsim(['run', 'x.yaml', '--frobnicate']), /unknown option '--frobnicate'/);
    expectOneLineExit2(await mailsim(['frobnicate']), /unknown command 'frobnicate'/);
  });

  it('a seed that is not a number', async () => {
    expectOneLineExit2(await mailsim(['run', 'x.yaml', '--seed', 'seven']), /seed must be a non-negative integer/);
  });

  it('a shard outside 0..N-1, and auto without JOB_COMPLETION_INDEX', async () => {
    expectOneLineExit2(await mailsim(['sweep', 'test/e2e/fixtures/tiny-valid.yaml', '--seeds', '2', '--shard', '2/2']), /below N=2.*\[E_SHARD\]/);
    expectOneLineExit2(await mailsim(['sweep', 'test/e2e/fixtures/tiny-valid.yaml', '--seeds', '2', '--shard', 'auto/2']), /JOB_COMPLETION_INDEX.*\[E_SHARD\]/);
  });

  it('a sweep of a folder without scenarios', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailsim-e2e-'));
    expectOneLineExit2(await mailsim(['sweep', dir, '--seeds', '1']), /no \*\.yaml, \*\.yml or \*\.json scenario files.*\[E_INPUT\]/);
  });

  it('replay of something that is not a failure file', async () => {
    expectOneLineExit2(await mailsim(['replay', 'test/e2e/fixtures/tiny-valid.yaml']), /not a failure file.*\[E_SCENARIO\]/);
    expectOneLineExit2(await mailsim(['replay', 'no/such.json']), /no such failure file \[E_INPUT\]/);
  });

  it('an unknown bench', async () => {
    expectOneLineExit2(await mailsim(['bench', 'warp']), /'warp' is invalid for argument 'name'/);
  });
});
