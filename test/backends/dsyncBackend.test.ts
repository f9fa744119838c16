// Proves the dsync backend runs the library's scenarios on real Dovecot through the same
// seam, history and checkers as the reference replica: the textbook UID clash reads back as
// measured by hand, the flag trap is kept by stateful dsync and lost by stateless dsync (a
// real-world negative control caught by no-lost-flags), what the simulator decides hashes the
// same twice, and a file that asks a real backend for what it cannot do is refused by field.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportDovecotMaildir } from '../../backends/dovecot/dsyncBackend.ts';
import { allMessages } from '../../core/messageMap.ts';
import { dovecotInstalled } from '../../backends/dovecot/dovecotHome.ts';
import { overrideSetsFor } from '../../cli/compareRuns.ts';
import { loadScenario, parseScenarioText, ScenarioError } from '../../scenarios/loader.ts';
import { runScenario } from '../../scenarios/run.ts';
import { expectDeleteDropsDelivery, expectTextbookSplitBrain, runLibraryFile, whenInstalled } from './realBackendRuns.ts';
import { initialUidValidity } from '../../sim/world.ts';

const onDovecot = whenInstalled(dovecotInstalled(), 'Dovecot (dovecot-core, dovecot-imapd)', 'the runs on real Dovecot');
const run = runLibraryFile;

describe('replica: dsync (real Dovecot)', () => {
  onDovecot('dsync-uid-clash: A keeps 8, the clashing four go to 9-12, UIDNEXT 13, UIDVALIDITY unchanged', async () => {
    const { result, outcome } = await run('scenarios/dsync-uid-clash.yaml', ['replica=dsync']);
    expect(result.strategy).toBe('dsync (real)');
    expect(result.verdict).toBe('valid');
    expectTextbookSplitBrain(outcome);
    expect(outcome.finals[0]!.state.mailboxes.get('INBOX')!.uidValidity).toBe(initialUidValidity(0));
  }, 120_000);

  onDovecot('the flag trap: stateful dsync keeps both writes; stateless dsync strands both writes and no-lost-flags says so', async () => {
    const stateful = await run('scenarios/flag-trap.yaml', ['replica=dsync']);
    expect(stateful.result.checks['no-lost-flags']?.verdict).toBe('valid');
    for (const final of stateful.outcome.finals) {
      const first = [...allMessages(final.state.mailboxes.get('INBOX')!.messages)].find((m) => m.uid === 1);
      expect(first?.flags).toEqual(['\\Flagged']);
    }
    const plain = await run('scenarios/controls/dsync-plain-flag-trap.yaml', []);
    expect(plain.result.strategy).toBe('dsync-plain (real)');
    expect(plain.result.checks['no-lost-flags']?.verdict).toBe('invalid');
    expect(plain.result.verdict).toBe('invalid');
  }, 120_000);

  onDovecot('a mailbox DELETE while the other side delivers into it: dsync loses the delivery, the reference replica recovers it into INBOX', async () => {
    await expectDeleteDropsDelivery('dsync');
  }, 120_000);

  onDovecot('a MOVE and a STORE of one message on either side of a partition: Dovecot loses the flag, the reference replica keeps it', async () => {
    const real = await run('scenarios/controls/dsync-move-vs-flag.yaml', []);
    expect(real.result.checks['no-lost-flags']?.verdict).toBe('invalid');
    expect(real.result.checks['move-atomic']?.verdict).toBe('valid');
    const reference = await run('scenarios/controls/dsync-move-vs-flag.yaml', ['replica=git']);
    expect(reference.result.verdict).toBe('valid');
  }, 120_000);

  onDovecot('export copies the server\'s own Maildir, as Dovecot left it', async () => {
    const loaded = await loadScenario('scenarios/dsync-uid-clash.yaml', ['replica=dsync']);
    const { outcome } = await runScenario(loaded, 1, { recordTransfers: true });
    const to = join(await mkdtemp(join(tmpdir(), 'mailsim-dsync-export-')), 'Maildir');
    try {
      const copied = await exportDovecotMaildir(outcome.servers.get('A')!, to);
      expect(copied.fileCount).toBeGreaterThan(12);
      // Dovecot's own uidlist (version 3, the pinned UIDVALIDITY; Dovecot rewrites its UIDNEXT lazily, the index holds the truth).
      expect(readFileSync(join(to, 'dovecot-uidlist'), 'utf8')).toMatch(new RegExp(`^3 V${initialUidValidity(0)} N\\d+ `));
    } finally {
      await outcome.dispose();
      await rm(dirname(to), { recursive: true, force: true });
    }
  }, 120_000);

  onDovecot('what the simulator decides hashes the same on a second run', async () => {
    const first = await run('scenarios/dsync-uid-clash.yaml', ['replica=dsync']);
    const second = await run('scenarios/dsync-uid-clash.yaml', ['replica=dsync']);
    expect(second.result.historyHash).toBe(first.result.historyHash);
    // Dovecot's GUIDs carry the wall clock and pids; the simulator names messages in the order it reads them (guidNames.ts).
    const guids = (r: typeof first) => r.outcome.history.filter((h) => h.f === 'deliver' && h.type === 'ok').map((h) => (h.value as { guid: string }).guid);
    expect(guids(second)).toEqual(guids(first));
    expect(guids(first).every((guid) => guid.startsWith('dsync-'))).toBe(true);
  }, 120_000);
});

describe('faults on real Dovecot', () => {
  const crashes = `name: dsync-crashes
servers: [a, b]
replica: dsync
mailboxes:
  - {name: INBOX, messages: 20}
workload:
  smtpClients: 1
  imapClients: 2
  ratesPerSec: {deliver: 1, store: 3, expunge: 0.3, move: 0, copy: 0, append: 0.2, select: 1}
  opsMax: 80
nemesis: {kinds: [partition, one-way, crash-process, pause], intervalMs: 2500}
durationMs: 15000
`;
  onDovecot('partitions, one-way cuts, pauses and process crashes (some mid-sync) apply, and the run stays valid', async () => {
    const { result, outcome } = await runScenario(parseScenarioText(crashes, 'dsync-crashes.yaml', []), 1);
    expect(outcome.faultsAsRun.some((f) => f.fault.kind === 'crash')).toBe(true);
    expect(outcome.history.some((r) => r.process === 'replica' && r.f === 'down')).toBe(true);
    expect(outcome.history.filter((r) => r.f === 'sync').length).toBeGreaterThan(5);
    expect(result.verdict).toBe('valid');
  }, 180_000);
});

describe('a real backend refuses what it cannot do, by field', () => {
  const base = 'servers: [a, b]\nreplica: dsync\n';
  const refused = (text: string): string[] => {
    try {
      parseScenarioText(text, 'real.yaml', []);
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioError);
      return (error as ScenarioError).issues.map((issue) => issue.path);
    }
    throw new Error('expected a refusal');
  };

  it('refuses clock skew and jumps, power crashes, drifting clocks and non-dsync strategies', () => {
    expect(refused(`${base}faults:\n  - {at: 10, skew: {node: a, offsetMs: 5}}\n  - {at: 20, jump: {node: b, deltaMs: 5}}\n  - {at: 30, crash: a, mode: power}\n`))
      .toEqual(['faults.0.skew', 'faults.1.jump', 'faults.2.mode']);
    expect(refused(`${base}clocks:\n  a: {offsetMs: 100}\n`)).toEqual(['clocks.a']);
    expect(refused(`${base}strategy: owner\n`)).toEqual(['strategy']);
    expect(refused(`${base}layout: flat\n`)).toEqual(['layout']);
  });

  it('refuses a nemesis that would draw skew, jumps or power loss, and one that names no kinds', () => {
    expect(refused(`${base}nemesis: {kinds: [partition, skew, crash-power]}\n`)).toEqual(['nemesis.kinds.1', 'nemesis.kinds.2']);
    expect(refused(`${base}nemesis: {intervalMs: 1000}\n`)).toEqual(['nemesis.kinds']);
  });

  it('refuses disk faults, scheduled or drawn: they need the simulated volume', () => {
    expect(refused(`${base}faults:\n  - {at: 10, rot: a}\n  - {at: 20, misdirect: b}\n  - {at: 30, eio: {node: a, op: read}}\n  - {at: 40, diskFull: a}\n  - {at: 50, diskFree: a}\n`))
      .toEqual(['faults.0.rot', 'faults.1.misdirect', 'faults.2.eio', 'faults.3.diskFull', 'faults.4.diskFree']);
    expect(refused(`${base}nemesis: {kinds: [partition, rot, misdirect, eio-read, eio-write, disk-full]}\n`)).toEqual(['nemesis.kinds.1', 'nemesis.kinds.2', 'nemesis.kinds.3', 'nemesis.kinds.4', 'nemesis.kinds.5']);
  });

  it('takes process crashes, partitions and pauses', () => {
    expect(() => parseScenarioText(`${base}nemesis: {kinds: [partition, crash-process, pause]}\nfaults:\n  - {at: 10, crash: a}\n`, 'real.yaml', [])).not.toThrow();
  });

  it('the same file under --set replica=dsync is refused the same way', () => {
    try {
      parseScenarioText('servers: [a, b]\nfaults:\n  - {at: 10, skew: {node: a, offsetMs: 5}}\n', 'real.yaml', ['replica=dsync']);
      throw new Error('expected a refusal');
    } catch (error) {
      expect((error as ScenarioError).issues.map((issue) => issue.path)).toEqual(['faults.0.skew']);
    }
  });
});

describe('compareReplicas in suites and sweeps', () => {
  it('runs one set per backend, and skips real ones loudly where Dovecot is missing', async () => {
    const lines: string[] = [];
    const without = await overrideSetsFor('scenarios/flag-trap.yaml', [], { backendInstalled: (kind) => kind === 'cyrus', warn: (line) => lines.push(line) });
    expect(without).toEqual([[], ['replica=cyrus']]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^SKIPPED \(not run, not passed\): scenarios\/flag-trap.yaml under replica=dsync/);
    const withDovecot = await overrideSetsFor('scenarios/flag-trap.yaml', [], { backendInstalled: () => true, warn: (line) => lines.push(line) });
    expect(withDovecot).toEqual([[], ['replica=dsync'], ['replica=cyrus']]);
    expect(await overrideSetsFor('scenarios/flag-trap.yaml', ['replica=dsync'], { dovecotInstalled: () => true })).toEqual([['replica=dsync']]);
  });
});
