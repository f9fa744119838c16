// Proves the bytes mailsim counts on the wire are real git packs: `mailsim export` writes the thin packs a node received, and real git completes each one (`index-pack --fix-thin`) inside the exported repository, which then passes `git fsck --strict`.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mailsim } from './mailsim.ts';

const hasGit = spawnSync('git', ['--version']).status === 0;
if (!hasGit) console.warn('SKIPPED: git is not installed, so the exported packs are not checked by real git');

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'mailsim-transfers-'));

function git(gitDir: string, args: readonly string[], input?: Uint8Array): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('git', ['--git-dir', gitDir, ...args], { input, encoding: 'buffer' });
  return { status: result.status, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

/** Exports `node` of `scenario` and returns the exported folder. */
async function exported(scenario: string, seed: number, node: string, sets: readonly string[] = []): Promise<string> {
  const to = join(await tempDir(), node);
  const run = await mailsim(['export', scenario, '--seed', String(seed), '--node', node, '--to', to, ...sets.flatMap((set) => ['--set', set])]);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/transfers: \d+ pack\(s\) received/);
  return to;
}

function packsOf(dir: string): string[] {
  return readdirSync(join(dir, 'transfers')).filter((name) => name.endsWith('.pack')).sort();
}

describe.skipIf(!hasGit)('exported transfers are packs real git reads', () => {
  for (const [scenario, seed, node, sets] of [
    ['scenarios/partition-both-deliver.yaml', 1, 'b', []],
    ['scenarios/power-crash-mid-commit.yaml', 2, 'a', []],
    ['scenarios/wire/flags-flat-batched.yaml', 1, 'b', ['workload.opsMax=200']],
    ['scenarios/wire/flags-flags-apart-batched.yaml', 1, 'b', ['workload.opsMax=200']],
  ] as const) {
    it(`${scenario} seed ${seed}, node ${node}: every pack is completed by index-pack --fix-thin, then fsck --strict passes`, async () => {
      const dir = await exported(scenario, seed, node, sets);
      const gitDir = join(dir, 'repo.git');
      const packs = packsOf(dir);
      expect(packs.length).toBeGreaterThan(0);
      expect(packs[0]).toBe('0001.pack');
      let thin = 0;
      for (const name of packs) {
        const bytes = readFileSync(join(dir, 'transfers', name));
        // A thin pack names bases outside itself: plain index-pack must refuse it.
        if (git(gitDir, ['index-pack', '--stdin'], bytes).status !== 0) thin++;
        const fixed = git(gitDir, ['index-pack', '--stdin', '--fix-thin'], bytes);
        expect(fixed.status, `${name}: ${fixed.stderr}`).toBe(0);
        expect(fixed.stdout).toMatch(/^pack\s+[0-9a-f]{40}/);
      }
      expect(thin).toBeGreaterThan(0);
      const fsck = git(gitDir, ['fsck', '--strict']);
      expect(fsck.status, fsck.stderr).toBe(0);
    });
  }

  it('negative control: a torn pack is refused by git', async () => {
    const dir = await exported('scenarios/wire/flags-flat-batched.yaml', 1, 'b', ['workload.opsMax=200']);
    const name = packsOf(dir)[0] as string;
    const bytes = readFileSync(join(dir, 'transfers', name));
    expect(statSync(join(dir, 'transfers', name)).size).toBe(bytes.length);
    const torn = bytes.subarray(0, bytes.length - 9);
    expect(git(join(dir, 'repo.git'), ['index-pack', '--stdin', '--fix-thin'], torn).status).not.toBe(0);
  });
});
