// Proves determinism: the lint refuses a floating promise anywhere (an un-awaited step runs after events it should precede) and bans wall clock, Math.random, timers, random ids and node:fs in core/ and sim/ (a planted use fails it), and both the kernel world and a small full cluster give the same history hash in two separate processes, a different one for another seed.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { SimConfig } from '../../sim/config.ts';
import { runClusterWorld, runKernelWorld, runSmallWorld, smallNemesisWorldConfig } from './fixtures/kernelWorld.ts';

const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url));
/** ESLint with the project's config (eslint.config.js): the determinism bans for core/ and sim/. */
const eslint = new ESLint({ cwd: REPO_DIR });

/** Lines (1-based) where the lint reports a banned use in `source`, linted as if it were `file`. */
async function bannedLines(file: string, source: string): Promise<number[]> {
  const [result] = await eslint.lintText(source, { filePath: join(REPO_DIR, file) });
  return [...new Set((result?.messages ?? []).filter((m) => m.severity === 2).map((m) => m.line))].sort((x, y) => x - y);
}

/** Lines where the lint reports `ruleId` in `source`, linted as if it were `file`. */
async function ruleLines(file: string, source: string, ruleId: string): Promise<number[]> {
  const [result] = await eslint.lintText(source, { filePath: join(REPO_DIR, file) });
  const fatal = (result?.messages ?? []).filter((m) => m.fatal === true).map((m) => m.message);
  expect(fatal).toEqual([]);
  return (result?.messages ?? []).filter((m) => m.ruleId === ruleId).map((m) => m.line);
}

const runChild = promisify(execFile);

const CHILD_ENTRY = 'test/sim/fixtures/kernelWorldMain.ts';

/** Runs a world for `seed` in a fresh `npx tsx` process and returns the printed hash. */
async function hashInChildProcess(seed: number, world: 'kernel' | 'cluster' = 'kernel'): Promise<string> {
  const args = ['tsx', CHILD_ENTRY, ...(world === 'cluster' ? ['--world'] : []), String(seed)];
  const { stdout } = await runChild('npx', args, { cwd: REPO_DIR, timeout: 120_000 });
  return stdout.trim();
}

describe('determinism: the lint of core/ and sim/ (eslint.config.js, run by npm test)', () => {
  it('fails on a planted Math.random, and on every other banned use, by line (negative control)', async () => {
    const source = [
      "import { readFileSync } from 'node:fs';",
      "import * as fsp from 'fs/promises';",
      'const a = Math.random();',
      'const b = Date.now();',
      'const c = new Date();',
      'const d = performance.now();',
      'setTimeout(() => 0, 1);',
      'setInterval(() => 0, 1);',
      'setImmediate(() => 0);',
      'const e = process.hrtime.bigint();',
      'const f = crypto.randomUUID();',
      "import { randomBytes } from 'node:crypto';",
      "const g = await import('node:fs');",
      "const h = require('fs');",
      'const i = new Date;',
      'const j = Date();',
    ].join('\n');
    expect(await bannedLines('sim/planted.ts', source)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(await bannedLines('core/planted.ts', 'export const x = Math.random();')).toEqual([1]);
  });

  it('lets comments, allowed look-alikes and the layers above (cli/) through', async () => {
    const source = [
      '// never call Math.random() here',
      '/* Date.now() is banned */',
      'const t = new Date(1_000).toISOString();',
      "import { createHash } from 'node:crypto';",
      "import { Volume } from 'memfs';",
      "import type { ReplicaFs } from './fsTypes.ts';",
      'const myDate = nowMs();',
    ].join('\n');
    expect(await bannedLines('core/planted-ok.ts', source)).toEqual([]);
    expect(await bannedLines('cli/planted-ok.ts', 'export const started = Date.now();')).toEqual([]);
  });

  it('refuses a floating promise and accepts an awaited, voided or handled one (negative control)', async () => {
    const source = [
      'async function step(): Promise<void> {}',
      'export async function run(): Promise<void> {',
      '  step();',
      '  await step();',
      '  // settles on its own: nothing after it depends on when',
      '  void step();',
      '  step().catch(() => undefined);',
      '  [1, 2].map(async () => step());',
      '}',
    ].join('\n');
    for (const file of ['sim/planted-float.ts', 'cli/planted-float.ts']) {
      expect(await ruleLines(file, source, '@typescript-eslint/no-floating-promises')).toEqual([3, 8]);
    }
  });

  it('finds nothing banned in core/ and sim/ as they are', async () => {
    const results = await eslint.lintFiles(['core', 'sim']);
    const report = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}:${m.line}: ${m.message}`));
    expect(results.length).toBeGreaterThan(5);
    expect(report).toEqual([]);
  });
});

describe('determinism: the kernel world', () => {
  it('gives the same history twice in one process, and a different one for another seed', async () => {
    const first = await runKernelWorld({ seed: 7 });
    const second = await runKernelWorld({ seed: 7 });
    expect(second.hash).toBe(first.hash);
    expect(second.history).toEqual(first.history);
    expect((await runKernelWorld({ seed: 8 })).hash).not.toBe(first.hash);
  });

  it('exercises the kernel: traffic, drops, duplicates, every fault kind and clock reads', async () => {
    const { history } = await runKernelWorld({ seed: 7 });
    const fs = new Set(history.map((r) => `${r.process}/${r.f}`));
    for (const f of ['net/send', 'net/deliver', 'net/drop', 'gossip/originate', 'gossip/learn', 'nemesis/partition', 'nemesis/one-way', 'nemesis/bridge', 'nemesis/heal', 'nemesis/jump']) {
      expect(fs.has(f), f).toBe(true);
    }
    const reasons = new Set(history.filter((r) => r.f === 'drop').map((r) => (r.value as { reason: string }).reason));
    expect(reasons.has('partition')).toBe(true);
  });

  it('does not change when a component drawing from its own stream is added', async () => {
    const base = await runKernelWorld({ seed: 7 });
    expect((await runKernelWorld({ seed: 7, extra: 'own-stream' })).hash).toBe(base.hash);
  });

  it('does change when the added component shares another component\'s stream (negative control)', async () => {
    const base = await runKernelWorld({ seed: 7 });
    expect((await runKernelWorld({ seed: 7, extra: 'shared-stream' })).hash).not.toBe(base.hash);
  });

  it('gives identical hashes in two separate processes, equal to the in-process hash, and another for a different seed', async () => {
    const [one, two, other] = await Promise.all([hashInChildProcess(7), hashInChildProcess(7), hashInChildProcess(8)]);
    expect(one).toMatch(/^[0-9a-f]{64}$/);
    expect(two, 'second child process, same seed').toBe(one);
    expect(other).toMatch(/^[0-9a-f]{64}$/);
    expect(other).not.toBe(one);
    expect((await runKernelWorld({ seed: 7 })).hash, 'in-process run vs child process').toBe(one);
  });
});

describe('determinism: a small full cluster (sim/world.ts runWorld)', () => {
  it('runs client operations, replication, a partition and its heal', async () => {
    const { history } = await runSmallWorld(7);
    const seen = new Set(history.map((r) => `${r.process.replace(/-\d+$/, '')}/${r.f}/${r.type}`));
    for (const key of ['smtp/deliver/ok', 'imap/store/ok', 'imap/select/ok', 'nemesis/partition/info', 'nemesis/heal/info', 'replica/merge/info', 'net/drop/info']) {
      expect(seen.has(key), key).toBe(true);
    }
  });

  it('gives the same history twice in one process, and a different one for another seed', async () => {
    const first = await runSmallWorld(7);
    const second = await runSmallWorld(7);
    expect(second.historyHash).toBe(first.historyHash);
    expect((await runSmallWorld(8)).historyHash).not.toBe(first.historyHash);
  });

  it('gives identical hashes in two separate processes, equal to the in-process hash, and another for a different seed', async () => {
    const [one, two, other] = await Promise.all([hashInChildProcess(7, 'cluster'), hashInChildProcess(7, 'cluster'), hashInChildProcess(8, 'cluster')]);
    expect(one).toMatch(/^[0-9a-f]{64}$/);
    expect(two, 'second child process, same seed').toBe(one);
    expect(other).toMatch(/^[0-9a-f]{64}$/);
    expect(other).not.toBe(one);
    // Also differs when source files are edited while the test runs (children load the newer code).
    expect((await runSmallWorld(7)).historyHash, 'in-process run vs child process').toBe(one);
  });
});

describe('determinism: a small cluster under a nemesis, run repeatedly in one process', () => {
  /** Seeds whose nemesis draws include crashes, partitions, one-way cuts, bridges, skews and jumps. */
  const NEMESIS_SEEDS = [1, 2, 3, 4, 5, 6] as const;
  const hint = 'an async step escaped its scheduler event (fire-and-forget promise), so interleaving depends on how many awaits a warm or cold process takes';
  /** Runs one config, naming the seed in any error (an exceeded eventsMax means a replication storm). */
  const run = (config: SimConfig): ReturnType<typeof runClusterWorld> =>
    runClusterWorld(config).catch((error: unknown) => {
      throw new Error(`seed ${config.seed}${config.nemesis ? '' : ' (replay)'}: ${(error as Error).message}`);
    });

  it('gives the same history for a seed no matter which runs came before it in the process (a sweep worker runs many)', async () => {
    const firsts = new Map<number, string>();
    for (const seed of NEMESIS_SEEDS) firsts.set(seed, (await run(smallNemesisWorldConfig(seed))).historyHash);
    for (const seed of [...NEMESIS_SEEDS].reverse()) {
      expect((await run(smallNemesisWorldConfig(seed))).historyHash, `seed ${seed}: ${hint}`).toBe(firsts.get(seed));
    }
  });

  it('replays: the nemesis off and its faults as run scheduled give the same history', async () => {
    for (const seed of NEMESIS_SEEDS) {
      const config = smallNemesisWorldConfig(seed);
      const first = await run(config);
      expect(first.faultsAsRun.length, `seed ${seed} drew no faults`).toBeGreaterThan(0);
      const replay = await run({ ...config, nemesis: null, faults: first.faultsAsRun });
      expect(replay.historyHash, `seed ${seed}: ${hint}`).toBe(first.historyHash);
    }
  });
});
