/**
 * Shrinking a failure: starting from a pinned scenario (every field fixed, nemesis off,
 * the faults exactly as they ran), remove faults and scripted operations by delta
 * debugging (and scripted deliveries to fewer messages), then cut the workload (opsMax halved then bisected, each rate and each
 * mailbox population cut to 0 or halved, fewer clients) as long as the probe says the same
 * checker still fails. The probe runs exactly the scenario that would be written.
 */
import { MailsimError } from '../core/errors.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { ddmin } from './shrinkDdmin.ts';

/** Runs one candidate in all (the first probe included). */
export const SHRINK_PROBES_MAX = 300;

export interface ProbeResult {
  /** The target checker(s) still fail. */
  readonly failing: boolean;
  /** Client operations the run issued (metrics.clientOpCount). */
  readonly clientOpCount: number;
}

export type Probe = (scenario: Scenario) => Promise<ProbeResult>;

export interface ShrinkOutcome {
  readonly scenario: Scenario;
  readonly probes: number;
  readonly exhausted: boolean;
  readonly before: { readonly faultCount: number; readonly scriptOpCount: number; readonly clientOpCount: number };
  readonly after: { readonly faultCount: number; readonly scriptOpCount: number; readonly clientOpCount: number };
}

export class ShrinkError extends MailsimError<'E_SHRINK', { reason: string }> {
  constructor(reason: string) {
    super('E_SHRINK', `cannot shrink: ${reason}`, { reason });
    this.name = 'ShrinkError';
  }
}

type Workload = NonNullable<Scenario['workload']>;
type Rates = NonNullable<Workload['ratesPerSec']>;
const RATE_KINDS = ['append', 'copy', 'deliver', 'expunge', 'move', 'select', 'store'] as const satisfies readonly (keyof Rates)[];
/** Below this a halved rate is rounded to 0. */
const RATE_PER_SEC_FLOOR = 0.01;

class Shrinker {
  probes = 0;
  exhausted = false;
  current: Scenario;
  clientOpCount: number;
  private readonly probe: Probe;
  private readonly probesMax: number;

  constructor(start: Scenario, startOps: number, probe: Probe, probesMax: number) {
    this.current = start;
    this.clientOpCount = startOps;
    this.probe = probe;
    this.probesMax = probesMax;
  }

  /** Tries a candidate; keeps it when it still fails. */
  async tryKeep(candidate: Scenario): Promise<boolean> {
    if (this.probes >= this.probesMax) {
      this.exhausted = true;
      return false;
    }
    this.probes++;
    const result = await this.probe(candidate);
    if (!result.failing) return false;
    this.current = candidate;
    this.clientOpCount = result.clientOpCount;
    return true;
  }

  async ddminList<K extends 'faults' | 'script'>(key: K): Promise<void> {
    const items = (this.current[key] ?? []) as NonNullable<Scenario[K]>;
    if (items.length === 0) return;
    const budget = this.probesMax - this.probes;
    const found = await ddmin<(typeof items)[number]>(items, async (subset) => {
      if (this.probes >= this.probesMax) return false;
      this.probes++;
      const candidate = { ...this.current, [key]: [...subset] } as Scenario;
      const result = await this.probe(candidate);
      return result.failing;
    }, budget);
    if (found.exhausted) this.exhausted = true;
    // Re-probe the winner to keep its op count (a cached ddmin answer carries none).
    if (found.items.length < items.length) await this.tryKeep({ ...this.current, [key]: [...found.items] } as Scenario);
  }

  withWorkload(change: Partial<Workload>): Scenario {
    return { ...this.current, workload: { ...this.current.workload, ...change } };
  }

  async shrinkOpsMax(): Promise<void> {
    let failingOps = this.current.workload?.opsMax ?? 0;
    if (failingOps === 0 || failingOps > this.clientOpCount) {
      // 0 means "no limit": pin it to what the run issued, then cut from there.
      if (!(await this.tryKeep(this.withWorkload({ opsMax: Math.max(1, this.clientOpCount) })))) return;
      failingOps = Math.max(1, this.clientOpCount);
    }
    let passingOps = 0;
    while (failingOps > 1 && !this.exhausted) {
      const half = Math.floor(failingOps / 2);
      if (await this.tryKeep(this.withWorkload({ opsMax: half }))) failingOps = half;
      else {
        passingOps = half;
        break;
      }
    }
    // Bisect between the last passing and the last failing limit.
    while (failingOps - passingOps > 1 && !this.exhausted) {
      const mid = Math.floor((failingOps + passingOps) / 2);
      if (await this.tryKeep(this.withWorkload({ opsMax: mid }))) failingOps = mid;
      else passingOps = mid;
    }
  }

  async shrinkRates(): Promise<void> {
    for (const kind of RATE_KINDS) {
      let rate = this.current.workload?.ratesPerSec?.[kind] ?? 0;
      const setRate = (value: number): Scenario => this.withWorkload({ ratesPerSec: { ...this.current.workload?.ratesPerSec, [kind]: value } });
      if (rate === 0 || (await this.tryKeep(setRate(0)))) continue;
      while (rate / 2 >= RATE_PER_SEC_FLOOR && !this.exhausted) {
        const half = Math.round((rate / 2) * 100) / 100;
        if (!(await this.tryKeep(setRate(half)))) break;
        rate = half;
      }
    }
  }

  async shrinkClients(): Promise<void> {
    for (const key of ['smtpClients', 'imapClients'] as const) {
      let clients = this.current.workload?.[key] ?? 0;
      while (clients > 1 && !this.exhausted) {
        const half = Math.floor(clients / 2);
        if (!(await this.tryKeep(this.withWorkload({ [key]: half })))) break;
        clients = half;
      }
    }
  }

  /** A scripted delivery of `count` messages becomes one of fewer. */
  async shrinkScriptCounts(): Promise<void> {
    const script = this.current.script ?? [];
    for (let index = 0; index < script.length; index++) {
      let count = this.current.script?.[index]?.deliver?.count ?? 1;
      while (count > 1 && !this.exhausted) {
        const half = Math.floor(count / 2);
        const candidate: Scenario = {
          ...this.current,
          script: (this.current.script ?? []).map((op, i) => (i === index && op.deliver ? { ...op, deliver: { ...op.deliver, count: half } } : op)),
        };
        if (!(await this.tryKeep(candidate))) break;
        count = half;
      }
    }
  }

  async shrinkPopulation(): Promise<void> {
    const mailboxes = this.current.mailboxes ?? [];
    for (let index = 0; index < mailboxes.length; index++) {
      const setMessages = (messages: number): Scenario => ({
        ...this.current,
        mailboxes: (this.current.mailboxes ?? []).map((m, i) => (i === index ? { ...m, messages } : m)),
      });
      let messages = this.current.mailboxes?.[index]?.messages ?? 0;
      if (messages === 0 || (await this.tryKeep(setMessages(0)))) continue;
      while (messages > 1 && !this.exhausted) {
        const half = Math.floor(messages / 2);
        if (!(await this.tryKeep(setMessages(half)))) break;
        messages = half;
      }
    }
  }
}

function sizes(scenario: Scenario, clientOpCount: number): ShrinkOutcome['before'] {
  return { faultCount: scenario.faults?.length ?? 0, scriptOpCount: scenario.script?.length ?? 0, clientOpCount };
}

/** Minimises `start` (which must fail) while `probe` says the failure holds. */
export async function shrinkScenario(start: Scenario, probe: Probe, probesMax: number = SHRINK_PROBES_MAX): Promise<ShrinkOutcome> {
  const first = await probe(start);
  if (!first.failing) throw new ShrinkError('the pinned scenario (faults as they ran, nemesis off) does not fail the same checker');
  const shrinker = new Shrinker(start, first.clientOpCount, probe, probesMax - 1);
  await shrinker.ddminList('faults');
  await shrinker.ddminList('script');
  await shrinker.shrinkScriptCounts();
  await shrinker.shrinkOpsMax();
  await shrinker.shrinkRates();
  await shrinker.shrinkClients();
  await shrinker.shrinkPopulation();
  // A smaller workload may need fewer faults.
  await shrinker.ddminList('faults');
  return {
    scenario: shrinker.current,
    probes: shrinker.probes + 1,
    exhausted: shrinker.exhausted,
    before: sizes(start, first.clientOpCount),
    after: sizes(shrinker.current, shrinker.clientOpCount),
  };
}
