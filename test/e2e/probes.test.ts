// Proves coverage probes end to end: a library scenario made to reach a rare path reports its probe from run and sweep, and --require-probes exits 1 naming a probe no run hit (the control) and 0 when every required one was hit.
import { describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mailsim, STACK_LINE } from './mailsim.ts';

const RACE = 'scenarios/flag-add-remove-race.yaml';
const MOVES = 'scenarios/move-vs-move.yaml';

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'mailsim-probes-'));

describe('coverage probes in a run', () => {
  it('flag-add-remove-race reaches the flag anomaly; its result counts the probe', async () => {
    const run = await mailsim(['run', RACE, '--seed', '1', '--json', '--out', await tempDir()]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { probes: Record<string, number> };
    expect(result.probes['flag-add-remove-race']).toBeGreaterThan(0);
    // The race has no move in it: the move probes stay at zero.
    expect(result.probes['move-vs-move']).toBeUndefined();
  });

  // Seed 3: the workload leaves both scripted moves in place until the heal (on seed 1 one side moves the message back first).
  it('move-vs-move reaches its probe, and mailsim run prints the probes hit', async () => {
    const run = await mailsim(['run', MOVES, '--seed', '3', '--out', await tempDir()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^probes hit: .*move-vs-move x\d+/m);
  });
});

describe('probes of the simulator and the git backend', () => {
  const probesOf = async (file: string, seed: number): Promise<Record<string, number>> => {
    const run = await mailsim(['run', file, '--seed', String(seed), '--json', '--out', await tempDir()]);
    expect(run.code).toBe(0);
    return (JSON.parse(run.stdout) as { probes: Record<string, number> }).probes;
  };

  it('owner-pause: a renewal waits out a pause, the lease is lost meanwhile, another node takes the mailbox over', async () => {
    const probes = await probesOf('scenarios/owner-pause.yaml', 1);
    expect(probes).toMatchObject({ 'pause-across-lease-renewal': 3, 'lease-lost-in-pause': 1 });
    expect(probes['owner-takeover']).toBeGreaterThan(0);
  });

  it('batch-crash: a crash with a batch open, a client failing over, an SMTP retry on another server', async () => {
    const probes = await probesOf('scenarios/batch-crash.yaml', 2);
    expect(probes['crash-batch-open']).toBeGreaterThan(0);
    expect(probes['client-failover-mid-request']).toBeGreaterThan(0);
    expect(probes['smtp-retry-elsewhere']).toBeGreaterThan(0);
    // Nothing in batch-crash pauses a server or runs leases.
    expect(probes['pause-across-lease-renewal']).toBeUndefined();
  });
});

describe('mailsim sweep --require-probes', () => {
  it('exits 1 naming a required probe no run hit (the control)', async () => {
    const run = await mailsim(['sweep', RACE, '--seeds', '1', '--jobs', '1', '--out', await tempDir(), '--require-probes', 'flag-add-remove-race,move-vs-move']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('required probes never hit (1): move-vs-move\n');
    expect(run.stderr).toMatch(/^ {2}flag-add-remove-race +\d+ hits? in 1 run: flag-add-remove-race seed 1$/m);
  });

  it('exits 0 when every required probe was hit, and the JSON summary carries the table', async () => {
    const run = await mailsim(['sweep', RACE, '--seeds', '1', '--jobs', '1', '--out', await tempDir(), '--require-probes', 'flag-add-remove-race', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('required probes never hit');
    const summary = JSON.parse(run.stdout) as { probesMissed: string[]; probes: { name: string; hitCount: number }[] };
    expect(summary.probesMissed).toEqual([]);
    expect(summary.probes.find((row) => row.name === 'flag-add-remove-race')?.hitCount).toBeGreaterThan(0);
  });

  it('refuses an unknown probe name with one line, exit 2', async () => {
    const run = await mailsim(['sweep', RACE, '--seeds', '1', '--out', await tempDir(), '--require-probes', 'no-such-probe']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown probe "no-such-probe"');
    expect(run.stderr).not.toMatch(STACK_LINE);
  });
});
