// Proves mailsim explore as a user runs it: exit 0 when every schedule is as expected, 1 with a failure file that replay reproduces and shrink accepts, 2 with one line for bad input.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mailsim, STACK_LINE } from './mailsim.ts';

const WORLD = 'scenarios/explore-two-servers.yaml';
const SMALL_BOUNDS = ['--depth', '2', '--faults', '1'];
const RUN_TIMEOUT_MS = 300_000;

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'mailsim-explore-'));

describe('mailsim explore', () => {
  it('exits 0 when every schedule of the small world is as expected, and reports what it ran', async () => {
    const out = await tempDir();
    const run = await mailsim(['explore', WORLD, ...SMALL_BOUNDS, '--out', out, '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { schedules: number; distinctStates: number; complete: boolean; notAsExpected: number; placements: number };
    expect(summary.complete).toBe(true);
    expect(summary.placements).toBe(7);
    expect(summary.schedules).toBeGreaterThan(summary.placements);
    expect(summary.distinctStates).toBeGreaterThan(0);
    expect(summary.notAsExpected).toBe(0);
  }, RUN_TIMEOUT_MS);

  it('exits 1 on a mutant, with failure files that replay to the same history and shrink', async () => {
    const out = await tempDir();
    const run = await mailsim(['explore', WORLD, '--depth', '3', '--faults', '1', '--set', 'mutant=duplicate-on-merge', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/NOT AS EXPECTED/);
    const failure = /failure saved: (\S+);/.exec(run.stdout)?.[1] as string;
    expect(failure).toBeDefined();
    const replay = await mailsim(['replay', failure]);
    expect(replay.stdout).toMatch(/identical: the failure reproduces exactly/);
    expect(replay.code).toBe(0);
    const shrink = await mailsim(['shrink', failure, '--out', join(out, 'small.yaml')]);
    expect(shrink.code).toBe(0);
    const rerun = await mailsim(['run', join(out, 'small.yaml')]);
    expect(rerun.stdout).toMatch(/no-duplicates\s+invalid/);
    // Stopped at the first failure: the same first failing schedule, and nothing run after it.
    const all = JSON.parse((await mailsim(['explore', WORLD, '--depth', '3', '--faults', '1', '--set', 'mutant=duplicate-on-merge', '--out', out, '--json'])).stdout) as { schedules: number; firstFailureSchedule: number; notAsExpected: number };
    const first = await mailsim(['explore', WORLD, '--depth', '3', '--faults', '1', '--set', 'mutant=duplicate-on-merge', '--out', out, '--json', '--stop-at-first-failure']);
    expect(first.code).toBe(1);
    const stopped = JSON.parse(first.stdout) as { schedules: number; firstFailureSchedule: number; notAsExpected: number; complete: boolean };
    expect(stopped).toMatchObject({ schedules: all.firstFailureSchedule, firstFailureSchedule: all.firstFailureSchedule, notAsExpected: 1, complete: false });
    expect(all.schedules).toBeGreaterThan(stopped.schedules);
  }, RUN_TIMEOUT_MS);

  it('exits 2 with one line for bad input: a bad bound or component, a real backend, a pinned schedule', async () => {
    const dir = await tempDir();
    const depth = await mailsim(['explore', WORLD, '--depth', 'deep']);
    expect(depth.code).toBe(2);
    const branch = await mailsim(['explore', WORLD, '--branch', 'disk']);
    expect(branch.code).toBe(2);
    expect(branch.stderr).toMatch(/--branch takes/);
    const real = await mailsim(['explore', WORLD, '--set', 'replica=dsync']);
    expect(real.code).toBe(2);
    expect(real.stderr).toMatch(/reference replica only/);
    const pinned = join(dir, 'pinned.yaml');
    await writeFile(pinned, 'servers: [a, b]\nchoices: [0, 1]\nnemesis: false\ndurationMs: 2000\n');
    const withChoices = await mailsim(['explore', pinned]);
    expect(withChoices.code).toBe(2);
    expect(withChoices.stderr).toMatch(/already pins its choices/);
    for (const run of [depth, branch, real, withChoices]) expect(run.stderr).not.toMatch(STACK_LINE);
  }, RUN_TIMEOUT_MS);
});
