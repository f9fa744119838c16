// Proves that every scenario in scenarios/ and scenarios/controls/ loads, resolves for several seeds, says what it shows, and that the controls expect invalid.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenarios/loader.ts';
import { defaultSeed, resolveScenario } from '../../scenarios/resolve.ts';

const root = new URL('../../scenarios/', import.meta.url).pathname;
const list = (dir: string): string[] =>
  readdirSync(join(root, dir))
    .filter((f) => /\.(ya?ml|json)$/.test(f) && f !== 'schema.json' && f !== 'suite.yaml')
    .map((f) => join(root, dir, f))
    .sort();
const library = list('.');
const controls = list('controls');

describe('scenario library', () => {
  it('has at least 12 scenarios and the controls', () => {
    expect(library.length).toBeGreaterThanOrEqual(12);
    expect(controls.map((f) => f.split('/').pop())).toEqual([
      'batch-crash-drops-acks.yaml',
      'cyrus-copy-back-duplicate.yaml',
      'cyrus-flag-overwrite.yaml',
      'delete-drops-recovered.yaml',
      'dsync-move-vs-flag.yaml',
      'dsync-plain-flag-trap.yaml',
      'keep-uids-both-deliver.yaml',
      'keep-uids-real-clients.yaml',
      'lww-wallclock-skew.yaml',
      'naive-git-concurrent-flags.yaml',
      'offlineimap-validity-reset.yaml',
      'owner-drift-beyond-bound.yaml',
      'owner-no-fence.yaml',
      'owner-trusts-clock.yaml',
      'trust-reads-misdirect.yaml',
    ]);
  });

  for (const file of [...library, ...controls]) {
    const short = file.slice(root.length);
    it(`${short} loads, says what it shows, and resolves`, async () => {
      expect(readFileSync(file, 'utf8')).toMatch(/^# (Shows|Negative control)/);
      const loaded = await loadScenario(file);
      expect(loaded.scenario.name).toBeTruthy();
      for (const seed of [defaultSeed(loaded), 2, 3]) {
        const config = resolveScenario(loaded, seed);
        expect(config.servers.length).toBeGreaterThan(0);
        for (const f of config.faults) expect(f.atMs).toBeLessThan(config.durationMs);
        for (const op of config.script ?? []) expect(op.atMs).toBeLessThan(config.durationMs);
      }
    });
  }

  it('every control expects invalid and every library scenario expects valid', async () => {
    for (const file of controls) {
      // A real backend's known finding expects invalid on that backend only (valid on the reference replica).
      const { expect: expected, finding } = (await loadScenario(file)).scenario;
      if (finding === undefined || typeof expected === 'string') expect(expected, file).toBe('invalid');
      else expect(Object.values(expected ?? {}), file).toEqual(['invalid']);
    }
    for (const file of library) {
      // A library file expects valid, except a real backend's known finding (which names it).
      const { expect: expected, finding } = (await loadScenario(file)).scenario;
      if (typeof expected === 'object') {
        expect(finding, file).toBeDefined();
        expect(expected.git ?? 'valid', file).toBe('valid');
      } else expect(expected ?? 'valid', file).toBe('valid');
    }
  });

  it('covers every strategy the issue names for the controls, and stateless dsync as a real-world one', async () => {
    const loaded = await Promise.all(controls.map((f) => loadScenario(f)));
    expect(loaded.map((l) => l.scenario.strategy).filter((s) => s !== undefined).sort()).toEqual(['keep-uids', 'keep-uids', 'lww-wallclock', 'naive-git', 'owner', 'owner', 'owner', 'renumber', 'renumber', 'renumber', 'renumber', 'reset-validity']);
    expect(loaded.map((l) => l.scenario.replica).filter((r) => r !== undefined)).toEqual(['cyrus', 'dsync', 'dsync-plain']);
  });

  it('runs the dsync comparison files under both backends', async () => {
    const compared = [];
    for (const file of library) if ((await loadScenario(file)).scenario.compareReplicas?.includes('dsync')) compared.push(file.split('/').pop());
    expect(compared.sort()).toEqual(['concurrent-flags.yaml', 'delete-vs-deliver.yaml', 'dsync-uid-clash.yaml', 'expunge-vs-flag.yaml', 'flag-trap.yaml', 'partition-both-deliver.yaml', 'split-brain-expunged-both.yaml', 'split-brain-expunged-one-side.yaml', 'split-brain-same-uid.yaml']);
  });

  it('dsync-uid-clash resolves to the textbook clash: 5 messages, A delivers 3 and B 2 while partitioned', async () => {
    const config = resolveScenario(await loadScenario(join(root, 'dsync-uid-clash.yaml')), 1);
    expect(config.strategy).toBe('renumber');
    expect(config.servers).toEqual(['A', 'B']);
    expect(config.mailboxes).toEqual([{ name: 'INBOX', initialMessages: 5 }]);
    expect(config.nemesis).toBeNull();
    expect(config.faults.map((f) => f.fault.kind)).toEqual(['partition', 'heal']);
    expect(config.script).toEqual([
      { atMs: 2000, node: 'A', op: { kind: 'deliver', mailbox: 'INBOX', count: 3 } },
      { atMs: 2000, node: 'B', op: { kind: 'deliver', mailbox: 'INBOX', count: 2 } },
    ]);
    expect(config.workload.ratesPerSec.deliver).toBe(0);
  });

  it('stays cheap: small mailboxes except the flag storm, bounded ops and durations', async () => {
    for (const file of [...library, ...controls]) {
      const config = resolveScenario(await loadScenario(file), 1);
      const messages = Math.max(...config.mailboxes.map((m) => m.initialMessages));
      if (!file.endsWith('flag-storm-10k.yaml')) expect(messages, file).toBeLessThanOrEqual(500);
      expect(config.workload.opsMax, file).toBeGreaterThan(0);
      expect(config.workload.opsMax, file).toBeLessThanOrEqual(500);
      expect(config.durationMs, file).toBeLessThanOrEqual(120_000);
    }
  });
});
