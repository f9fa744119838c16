// Proves real mbsync and offlineimap runs end to end: the split brain costs an mbsync user edits under renumber and nothing else, keep-uids and offlineimap after a UIDVALIDITY change are caught by real-clients, the history hash repeats, a program past its deadline gives unknown in words, and a missing program is skipped loudly.
import { describe, expect, it } from 'vitest';
import { gitBackend } from '../../../backends/git/gitBackend.ts';
import { realClientInstalled } from '../../../backends/realClients/clientPrograms.ts';
import { createRealClientRun } from '../../../backends/realClients/realClientDriver.ts';
import { overrideSetsFor } from '../../../cli/compareRuns.ts';
import { readFileSync } from 'node:fs';
import { dovecotInstalled } from '../../../backends/dovecot/dovecotHome.ts';
import { runWorld } from '../../../backends/world.ts';
import { loadScenario, parseScenarioText } from '../../../scenarios/loader.ts';
import { resolveScenario } from '../../../scenarios/resolve.ts';
import { runScenario } from '../../../scenarios/run.ts';
import { simulate } from '../../../sim/world.ts';

const INSTALLED = realClientInstalled('mbsync') && realClientInstalled('offlineimap');
if (!INSTALLED) {
  if (process.env.CI === 'true') throw new Error('mbsync or offlineimap is missing on CI: install isync and offlineimap3');
  console.warn('SKIPPED LOUDLY: mbsync or offlineimap is not installed; the real-client runs did not run');
}

const run = async (file: string, seed: number, overrides: string[] = []) => (await runScenario(await loadScenario(file, overrides), seed)).result;

describe.skipIf(!INSTALLED)('real client programs in a run', () => {
  it('renumber: the mbsync and offlineimap users lose edits on renumbered messages, nothing lands elsewhere, and the hash repeats', async () => {
    const first = await run('scenarios/real-clients-split-brain.yaml', 1);
    expect(first.verdict).toBe('valid');
    expect(first.checks['real-clients']?.verdict).toBe('valid');
    expect(first.metrics).toMatchObject({ realClientEditCount: 6, realClientPrograms: ['mbsync', 'offlineimap'], realClientEditsMisapplied: 0, realClientSyncsRefused: 0, realClientDuplicates: 0 });
    expect(first.metrics.realClientEditsLost).toBeGreaterThan(0);
    expect(first.metrics.realClientRedownloadBytes).toBeGreaterThan(0);
    expect((await run('scenarios/real-clients-split-brain.yaml', 1)).historyHash).toBe(first.historyHash);
  }, 60_000);

  it('keep-uids control: real-clients catches mbsync acting on a reused UID', async () => {
    const result = await run('scenarios/controls/keep-uids-real-clients.yaml', 1);
    expect(result.checks['real-clients']?.verdict).toBe('invalid');
    expect(result.checks['real-clients']?.explanation).toContain('expunged');
  }, 60_000);

  it('offlineimap after a UIDVALIDITY change: flags and an expunge land on other messages', async () => {
    const result = await run('scenarios/controls/offlineimap-validity-reset.yaml', 2);
    expect(result.checks['real-clients']?.verdict).toBe('invalid');
    expect(result.finding?.checks).toEqual(['real-clients']);
    expect(result.metrics.realClientSyncsRefused).toBe(1);
  }, 60_000);

  it('a client cut off from its server by a partition fails over to the server beside it, keeping its local state, and comes back after the heal', async () => {
    const text = [
      'servers: [A, B]', 'mailboxes: [{name: INBOX, messages: 5}]', 'nemesis: false', 'durationMs: 15000', 'expect: valid',
      'workload: {smtpClients: 1, imapClients: 0, ratesPerSec: {deliver: 1, store: 0, expunge: 0, move: 0, copy: 0, append: 0, select: 0}, keywords: []}',
      'faults: [{at: 2000, partition: [[A], [B]]}, {at: 9000, heal: true}]',
      'realClients: [{kind: mbsync, server: A, near: B, syncAtMs: [1000, 5000, 12000], edits: [{at: 3000, action: flag}]}]',
    ].join('\n');
    const syncedWith = async (scenario: string): Promise<string[]> => {
      const config = resolveScenario(parseScenarioText(scenario, 'failover.yaml'), 1);
      const driver = await createRealClientRun(config.realClients ?? []);
      try {
        const outcome = await simulate(config, gitBackend, { realClientDriver: driver });
        expect(outcome.checks['real-clients']?.verdict).toBe('valid');
        return outcome.history.filter((r) => r.f === 'client-sync').map((r) => `${r.node}:${(r.value as { status: string }).status}`);
      } finally {
        await driver.dispose();
      }
    };
    // Beside B: during the partition A is out of reach, so the sync goes to B, with the same local Maildir and sync state.
    expect(await syncedWith(text)).toEqual(['A:ok', 'B:ok', 'A:ok']);
    // Control: beside its own server, the partition does not cut it off.
    expect(await syncedWith(text.replace('near: B', 'near: A'))).toEqual(['A:ok', 'A:ok', 'A:ok']);
  }, 60_000);

  it.skipIf(!dovecotInstalled())('on real Dovecot (replica: dsync) the programs read the replica\'s own messages and their changes reach it as client operations', async () => {
    const text = readFileSync('scenarios/real-clients-split-brain.yaml', 'utf8').replace('compareStrategies: [renumber, owner, reset-validity]\n', 'replica: dsync\n');
    // runWorld runs the real clients itself, on the backend the config names.
    const outcome = await runWorld(resolveScenario(parseScenarioText(text, 'dsync.yaml'), 1));
    expect(outcome.checks['real-clients']?.verdict).toBe('valid');
    expect(outcome.history.filter((r) => r.f === 'client-sync').map((r) => (r.value as { status: string }).status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    // The programs' flag changes went into the Dovecot replica through the seam, as their own STOREs.
    expect(outcome.history.some((r) => r.f === 'store' && r.process.startsWith('mbsync-') && r.type === 'ok')).toBe(true);
    // As on the reference replica, dsync's renumbering costs the users edits: the price, not a violation.
    expect(outcome.metrics.realClientEditsLost).toBeGreaterThan(0);
  }, 120_000);

  it('a program past its deadline makes real-clients unknown in its words; the rest of the run is judged', async () => {
    const config = resolveScenario(await loadScenario('scenarios/real-clients-split-brain.yaml'), 1);
    const driver = await createRealClientRun(config.realClients ?? [], { timeoutMs: 1 });
    try {
      const outcome = await simulate(config, gitBackend, { realClientDriver: driver });
      expect(outcome.checks['real-clients']?.verdict).toBe('unknown');
      expect(outcome.checks['real-clients']?.explanation).toContain('no answer within 1 ms');
      expect(outcome.checks['no-lost-mail']?.verdict).toBe('valid');
    } finally {
      await driver.dispose();
    }
  }, 60_000);
});

describe('a missing program', () => {
  it('skips the file in suites and sweeps with one loud line', async () => {
    const lines: string[] = [];
    const sets = await overrideSetsFor('scenarios/real-clients-split-brain.yaml', [], { realClientInstalled: () => false, warn: (line) => lines.push(line) });
    expect(sets).toEqual([]);
    expect(lines).toEqual([expect.stringContaining('SKIPPED (not run, not passed): scenarios/real-clients-split-brain.yaml: mbsync is not installed here (apt-get install isync)')]);
  });
});
