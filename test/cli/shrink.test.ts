// Proves shrink removes irrelevant faults, script operations, rates, clients and population while the failure holds, and stops at its probe limit.
import { describe, expect, it } from 'vitest';
import { shrinkScenario, ShrinkError, type Probe } from '../../cli/shrink.ts';
import type { Scenario } from '../../scenarios/schema.ts';

const start: Scenario = {
  name: 'model',
  servers: ['n1', 'n2', 'n3'],
  mailboxes: [{ name: 'INBOX', messages: 200 }, { name: 'Archive', messages: 30 }],
  workload: {
    smtpClients: 3,
    imapClients: 4,
    opsMax: 0,
    ratesPerSec: { deliver: 4, store: 6, expunge: 1, move: 1, copy: 0.5, append: 0.5, select: 2 },
  },
  faults: [
    { at: 100, skew: { node: 'n2', offsetMs: 500 } },
    { at: 1000, partition: [['n1'], ['n2', 'n3']] },
    { at: 1500, crash: 'n3', mode: 'process' },
    { at: 2000, restart: 'n3' },
    { at: 5000, heal: true },
    { at: 6000, jump: { node: 'n1', deltaMs: -300 } },
  ],
  script: [
    { at: 10, node: 'n1', deliver: { mailbox: 'INBOX', count: 8 } },
    { at: 20, node: 'n2', store: { mailbox: 'INBOX', uid: 1, flags: ['\\Seen'] } },
  ],
  nemesis: false,
};

/** The modelled bug: needs the partition and the heal, at least one delivery per second and 3 operations. */
const modelProbe: Probe = async (s) => {
  const faults = s.faults ?? [];
  const partitioned = faults.some((f) => f.partition !== undefined) && faults.some((f) => f.heal === true);
  const opsMax = s.workload?.opsMax ?? 0;
  const clientOpCount = opsMax === 0 ? 480 : Math.min(opsMax, 480);
  const failing = partitioned && (s.workload?.ratesPerSec?.deliver ?? 0) >= 1 && clientOpCount >= 3;
  return { failing, clientOpCount };
};

describe('shrinkScenario', () => {
  it('reaches the two needed faults, 3 operations and no other load', async () => {
    const outcome = await shrinkScenario(start, modelProbe);
    expect(outcome.scenario.faults).toEqual([{ at: 1000, partition: [['n1'], ['n2', 'n3']] }, { at: 5000, heal: true }]);
    expect(outcome.scenario.script).toEqual([]);
    expect(outcome.scenario.workload?.opsMax).toBe(3);
    expect(outcome.after).toEqual({ faultCount: 2, scriptOpCount: 0, clientOpCount: 3 });
    expect(outcome.before).toEqual({ faultCount: 6, scriptOpCount: 2, clientOpCount: 480 });
    const rates = outcome.scenario.workload?.ratesPerSec;
    expect(rates?.deliver).toBe(1);
    expect({ ...rates, deliver: 0 }).toEqual({ deliver: 0, store: 0, expunge: 0, move: 0, copy: 0, append: 0, select: 0 });
    expect(outcome.scenario.workload?.smtpClients).toBe(1);
    expect(outcome.scenario.mailboxes?.map((m) => m.messages)).toEqual([0, 0]);
    expect(outcome.exhausted).toBe(false);
  });

  it('every kept candidate was one the probe saw failing', async () => {
    const failing = new Set<string>();
    const probe: Probe = async (s) => {
      const result = await modelProbe(s);
      if (result.failing) failing.add(JSON.stringify(s));
      return result;
    };
    const outcome = await shrinkScenario(start, probe);
    expect(failing.has(JSON.stringify(outcome.scenario))).toBe(true);
  });

  it('cuts a scripted delivery of many messages to the fewest that still fail', async () => {
    const probe: Probe = async (s) => {
      const count = s.script?.find((op) => op.deliver !== undefined)?.deliver?.count ?? 0;
      return { failing: count >= 3, clientOpCount: 1 };
    };
    const outcome = await shrinkScenario(start, probe);
    expect(outcome.scenario.script).toEqual([{ at: 10, node: 'n1', deliver: { mailbox: 'INBOX', count: 4 } }]);
  });

  it('refuses a start that does not fail', async () => {
    await expect(shrinkScenario({ ...start, faults: [] }, modelProbe)).rejects.toBeInstanceOf(ShrinkError);
  });

  it('stops at the probe limit with a failing scenario', async () => {
    let probes = 0;
    const probe: Probe = async (s) => {
      probes++;
      return modelProbe(s);
    };
    const outcome = await shrinkScenario(start, probe, 5);
    expect(probes).toBeLessThanOrEqual(5);
    expect(outcome.exhausted).toBe(true);
    expect((await modelProbe(outcome.scenario)).failing).toBe(true);
  });
});
