// Proves run, replay, shrink, sweep (sharded, folders, Ctrl-C) and export work end to end as a user runs them: exit codes, output, files.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mailsim, STACK_LINE } from './mailsim.ts';

const TINY = 'test/e2e/fixtures/tiny-valid.yaml';
const CONTROL = 'scenarios/controls/keep-uids-both-deliver.yaml';

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'mailsim-e2e-'));
const jsonLines = (file: string): Record<string, unknown>[] =>
  readFileSync(file, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);

describe('mailsim run', () => {
  it('exits 0 for a valid run and prints the RunResult with --json', async () => {
    const run = await mailsim(['run', TINY, '--json', '--out', await tempDir()]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ scenario: TINY, seed: 3, verdict: 'valid', expect: 'valid' });
    expect(Object.keys(result.checks as object)).toContain('uid-stable');
    expect(result.metrics).toHaveProperty('clientOpCount');
    expect(result.historyHash).toMatch(/^[0-9a-f]{16,}$/);
  });

  it('exits 0 for a known-bad control that is caught', async () => {
    const run = await mailsim(['run', CONTROL, '--json', '--out', await tempDir()]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'invalid', expect: 'invalid' });
  });

  it('exits 1 when a verdict is not the expected one', async () => {
    const run = await mailsim(['run', TINY, '--set', 'expect=invalid', '--out', await tempDir()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('verdict: valid (expect invalid): NOT AS EXPECTED');
  });
});

describe('failure file, replay and shrink', () => {
  it('a failing run saves a failure file that replays to the identical hash and shrinks to a small scenario that fails alone', async () => {
    const out = await tempDir();
    const run = await mailsim(['run', CONTROL, '--set', 'expect=valid', '--json', '--out', out]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { historyHash: string; failureFile: string };
    expect(result.failureFile.startsWith(join(out, 'failures', 'keep-uids-both-deliver-seed-1-'))).toBe(true);
    const failure = JSON.parse(readFileSync(result.failureFile, 'utf8')) as Record<string, unknown>;
    expect(failure).toMatchObject({ seed: 1, verdict: 'invalid', expect: 'valid', historyHash: result.historyHash, overrides: ['expect=valid'] });
    expect(failure.faults).toHaveLength(2);
    expect(failure.mailsimVersion).toMatch(/^\d+\.\d+\.\d+/);

    const human = await mailsim(['run', CONTROL, '--set', 'expect=valid', '--out', out]);
    expect(human.stdout).toContain(`replay: mailsim replay ${result.failureFile}`);

    const replay = await mailsim(['replay', result.failureFile, '--json']);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ identical: true, historyHash: result.historyHash, recordedHistoryHash: result.historyHash });
    const replayText = await mailsim(['replay', result.failureFile]);
    expect(replayText.stdout).toContain(`history hash: ${result.historyHash}`);
    expect(replayText.stdout).toContain('identical');

    const shrunkFile = join(out, 'shrunk.yaml');
    const shrink = await mailsim(['shrink', result.failureFile, '--out', shrunkFile, '--json']);
    expect(shrink.code).toBe(0);
    const reached = JSON.parse(shrink.stdout) as { before: { clientOpCount: number; faultCount: number }; after: { clientOpCount: number; faultCount: number } };
    expect(reached.after.clientOpCount).toBeLessThan(reached.before.clientOpCount);
    expect(reached.after.faultCount).toBeLessThanOrEqual(reached.before.faultCount);
    // This is the keep-uids control run as a failure: the control bound holds here too.
    expect(reached.after.clientOpCount).toBeLessThanOrEqual(10);
    expect(reached.after.faultCount).toBeLessThanOrEqual(2);
    const again = await mailsim(['run', shrunkFile, '--json', '--out', out]);
    expect(again.code).toBe(1);
    const rerun = JSON.parse(again.stdout) as { verdict: string; checks: Record<string, { verdict: string }>; metrics: { clientOpCount: number } };
    expect(rerun.verdict).toBe('invalid');
    expect(rerun.metrics.clientOpCount).toBe(reached.after.clientOpCount);
    expect(readFileSync(shrunkFile, 'utf8')).toContain('nemesis: false');
  });

  it('a run with a nemesis saves the drawn faults and replays to the identical hash without it', async () => {
    const out = await tempDir();
    const nemesis = 'nemesis={intervalMs: 1000, kinds: [partition, crash-process, skew], faultDurationMsMax: 1500}';
    const run = await mailsim(['run', TINY, '--set', nemesis, '--set', 'expect=invalid', '--json', '--out', out]);
    expect(run.code).toBe(1);
    const { failureFile, historyHash } = JSON.parse(run.stdout) as { failureFile: string; historyHash: string };
    const failure = JSON.parse(readFileSync(failureFile, 'utf8')) as { faults: { fault: { kind: string } }[] };
    expect(failure.faults.filter((f) => f.fault.kind !== 'heal').length).toBeGreaterThan(2);
    const replay = await mailsim(['replay', failureFile, '--json']);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ identical: true, historyHash });
    const shrink = await mailsim(['shrink', failureFile]);
    expect(shrink.code).toBe(2);
    expect(shrink.stderr).toMatch(/no checker failed \(verdict valid, expected invalid\), so there is nothing to keep failing/);
  });

  it('a changed failure file no longer replays to the recorded hash: exit 1', async () => {
    const out = await tempDir();
    const run = await mailsim(['run', CONTROL, '--set', 'expect=valid', '--json', '--out', out]);
    const { failureFile } = JSON.parse(run.stdout) as { failureFile: string };
    const failure = JSON.parse(readFileSync(failureFile, 'utf8')) as { faults: unknown[] };
    failure.faults = [];
    const edited = join(out, 'edited.json');
    await writeFile(edited, JSON.stringify(failure));
    const replay = await mailsim(['replay', edited]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain('DIFFERENT');
  });

  // keep-uids-both-deliver is shrunk from its failure file above.
  it.each(['lww-wallclock-skew', 'naive-git-concurrent-flags'])(
    'shrinks the control %s to at most 10 client operations and 2 faults',
    async (name) => {
      const out = await tempDir();
      const shrunkFile = join(out, `${name}.yaml`);
      const shrink = await mailsim(['shrink', `scenarios/controls/${name}.yaml`, '--out', shrunkFile, '--json']);
      expect(shrink.stderr).not.toMatch(STACK_LINE);
      expect(shrink.code).toBe(0);
      const reached = JSON.parse(shrink.stdout) as { after: { clientOpCount: number; faultCount: number } };
      expect(reached.after.clientOpCount).toBeLessThanOrEqual(10);
      expect(reached.after.faultCount).toBeLessThanOrEqual(2);
      const again = await mailsim(['run', shrunkFile, '--json', '--out', out]);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ verdict: 'invalid', expect: 'invalid' });
    },
  );
});

describe('mailsim sweep', () => {
  it('shards cover every seed exactly once and write JSON Lines', async () => {
    const shardCount = 3;
    const seen: number[] = [];
    for (let shard = 0; shard < shardCount; shard++) {
      const out = await tempDir();
      const args = ['sweep', TINY, '--seeds', '7', '--from', '10', '--jobs', '1', '--out', out, '--json'];
      // Shard 2 runs as a Kubernetes Indexed Job pod would.
      const run = shard === 2
        ? await mailsim([...args, '--shard', `auto/${shardCount}`], { env: { JOB_COMPLETION_INDEX: '2' } })
        : await mailsim([...args, '--shard', `${shard}/${shardCount}`]);
      expect(run.code).toBe(0);
      const lines = jsonLines(join(out, 'results.jsonl'));
      expect(lines.every((line) => line.verdict === 'valid' && line.expect === 'valid')).toBe(true);
      seen.push(...lines.map((line) => line.seed as number));
      expect(JSON.parse(run.stdout)).toMatchObject({ runs: lines.length, asExpected: lines.length, shard: { index: shard, count: shardCount } });
    }
    expect(seen.sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16]);
  });

  it('a folder runs every scenario in it recursively, skips schema.json, and exits 1 with a failure listed', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'controls'));
    await cp(TINY, join(dir, 'tiny.yaml'));
    await cp(CONTROL, join(dir, 'controls', 'control.yml'));
    await writeFile(join(dir, 'schema.json'), '{"not": "a scenario"}');
    await writeFile(join(dir, 'notes.txt'), 'not a scenario');
    const out = await tempDir();
    const ok = await mailsim(['sweep', dir, '--seeds', '2', '--out', out, '--json']);
    expect(ok.code).toBe(0);
    const lines = jsonLines(join(out, 'results.jsonl'));
    expect(lines.map((line) => `${line.scenario as string}#${line.seed as number}`).sort()).toEqual(
      [join(dir, 'controls', 'control.yml'), join(dir, 'tiny.yaml')].flatMap((file) => [`${file}#1`, `${file}#2`]).sort(),
    );

    const failing = await mailsim(['sweep', dir, '--seeds', '1', '--set', 'expect=valid', '--out', out]);
    expect(failing.code).toBe(1);
    const saved = readdirSync(join(out, 'failures'));
    expect(saved.filter((name) => name.startsWith('control-seed-1-'))).toHaveLength(1);
    expect(failing.stderr).toContain(`replay: mailsim replay ${join(out, 'failures', saved.find((name) => name.startsWith('control-')) ?? '')}`);
  });

  it('a bad scenario in a folder is reported, the rest still run, and the exit code is 2', async () => {
    const dir = await tempDir();
    await cp(TINY, join(dir, 'tiny.yaml'));
    await writeFile(join(dir, 'broken.yaml'), 'servers: [a, a]\n');
    const out = await tempDir();
    const run = await mailsim(['sweep', dir, '--seeds', '1', '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/broken\.yaml.*listed twice/);
    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(jsonLines(join(out, 'results.jsonl'))).toHaveLength(1);
    expect(jsonLines(join(out, 'errors.jsonl'))).toMatchObject([{ code: 'E_SCENARIO' }]);
  });

  it('Ctrl-C stops the sweep and keeps every finished run', async () => {
    const out = await tempDir();
    const resultsFile = join(out, 'results.jsonl');
    const run = await mailsim(['sweep', TINY, '--seeds', '500', '--jobs', '1', '--out', out], {
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (existsSync(resultsFile) && readFileSync(resultsFile, 'utf8').split('\n').length > 2) {
            clearInterval(poll);
            child.kill('SIGINT');
          }
        }, 100);
        child.on('close', () => clearInterval(poll));
      },
    });
    expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toMatchObject({ code: 130 });
    expect(run.stderr).toContain('interrupted: every finished run is in the results file');
    const lines = jsonLines(resultsFile);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeLessThan(500);
    expect(run.stderr).toContain(`${lines.length} of 500 runs finished`);
  });
});

describe('mailsim report and gate after sharded sweeps', () => {
  it('merges two shards into reports and passes a gate against its own baseline', async () => {
    const out = await tempDir();
    for (const shard of [0, 1]) {
      const run = await mailsim(['sweep', TINY, '--seeds', '3', '--shard', `${shard}/2`, '--out', join(out, `shard-${shard}`)]);
      expect(run.code).toBe(0);
    }
    const html = join(out, 'report', 'index.html');
    const report = await mailsim(['report', join(out, 'shard-0'), join(out, 'shard-1'), '--html', html, '--md', join(out, 'report', 'summary.md')]);
    expect(report.code).toBe(0);
    expect(report.stderr).toContain('3 runs');
    expect(existsSync(html)).toBe(true);
    const baseline = join(out, 'baseline.json');
    expect((await mailsim(['gate', out, '--baseline', baseline, '--update'])).code).toBe(0);
    const gate = await mailsim(['gate', join(out, 'shard-0'), join(out, 'shard-1'), '--baseline', baseline]);
    expect(gate.code).toBe(0);
  });
});

describe('mailsim suite', () => {
  it('runs every scenario of a folder, writes results.jsonl and the HTML and Markdown reports, exit 0', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'controls'));
    await cp(TINY, join(dir, 'tiny.yaml'));
    await cp(CONTROL, join(dir, 'controls', 'control.yaml'));
    const out = await tempDir();
    const reports = join(out, 'reports');
    const run = await mailsim(['suite', '--dir', dir, '--seeds', '1', '--out', join(out, 'suite'), '--reports', reports]);
    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(run.code).toBe(0);
    expect(jsonLines(join(out, 'suite', 'results.jsonl'))).toHaveLength(2);
    expect(readFileSync(join(reports, 'index.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    expect(readFileSync(join(reports, 'summary.md'), 'utf8')).toContain('2 runs, 2 as expected');
  });
});

describe('mailsim export', () => {
  it('writes a bare git repository and a Maildir for the named node', async () => {
    const to = join(await tempDir(), 'replica-a');
    const run = await mailsim(['export', CONTROL, '--seed', '1', '--node', 'a', '--to', to]);
    expect(run.code).toBe(0);
    expect(readFileSync(join(to, 'repo.git', 'HEAD'), 'utf8')).toMatch(/^ref: refs\/heads\//);
    expect(existsSync(join(to, 'Maildir', 'cur'))).toBe(true);
    expect(run.stdout).toContain(`${to}/repo.git`);
  });

  it('refuses an unknown node with exit 2', async () => {
    const run = await mailsim(['export', CONTROL, '--seed', '1', '--node', 'zz', '--to', join(await tempDir(), 'x')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no server named "zz".*servers are a, b/);
  });
});

describe('mailsim bench cluster', () => {
  it('--quick --json reports client operations per second, peak RSS and the verdict of its world', async () => {
    const run = await mailsim(['bench', 'cluster', '--quick', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ bench: 'cluster', servers: 5, clientOps: 300, verdict: 'valid', targets: { opsPerSec: 500, peakRssMB: 600 } });
    expect(result['opsPerSec']).toBeGreaterThan(0);
    expect(result['peakRssMB']).toBeGreaterThan(0);
    expect(result['opsPerCpuSec']).toBeGreaterThan(0);
    expect(result['loadAverage']).toHaveLength(3);
  });
});
