// Proves the owner lease (sim/leases.ts) as a pure step: unit cases for each event, then the safety
// property on a small discrete-event harness with drifting clocks, delays, drops, duplicates and
// restarts: two nodes never hold the lease at the same real time. A negative control (no drift
// allowance, adversarial clock rates) shows the same harness finds two holders, so it can fail.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { allowanceMs, initialLease, leaseAt, step, type LeaseConfig, type LeaseEvent, type LeaseFaults, type LeaseSend, type LeaseState } from '../../sim/leases.ts';

const SEED = 20261201;
const D = 1000;
const CONFIG: LeaseConfig = { durationMs: D, driftPpmMax: 10_000 };
const A = allowanceMs(CONFIG, {}); // ceil(1000 x 0.01) + 1 = 11

function run(state: LeaseState, ...events: LeaseEvent[]): [LeaseState, LeaseSend[]] {
  let sends: LeaseSend[] = [];
  let current = state;
  for (const event of events) [current, sends] = step(current, event);
  return [current, sends];
}

const tick = (nowMs: number, want: number | null): LeaseEvent => ({ kind: 'tick', nowMs, want });
const request = (from: string, epoch: number, id: number, nowMs: number): LeaseEvent => ({ kind: 'request', from, epoch, id, nowMs });
const grant = (from: string, epoch: number, id: number): LeaseEvent => ({ kind: 'grant', from, epoch, id });

describe('lease step', () => {
  it('computes the allowance from the drift bound, and none when the clock is trusted', () => {
    expect(A).toBe(11);
    expect(allowanceMs({ durationMs: 1000, driftPpmMax: 0 }, {})).toBe(1);
    expect(allowanceMs({ durationMs: 1000, driftPpmMax: 200_000 }, {})).toBe(201);
    expect(allowanceMs(CONFIG, { trustsClock: true })).toBe(0);
  });

  it('a single node acquires at once on a tick, and holds until nowMs + D - allowance', () => {
    const [state, sends] = step(initialLease('a', [], CONFIG), tick(500, 1));
    expect(sends).toEqual([{ kind: 'acquired', epoch: 1 }]);
    expect(state.request).toBeNull();
    expect(state.held).toEqual({ epoch: 1, untilMs: 500 + D - A });
    expect(leaseAt(state, 500)).toBe(1);
    expect(leaseAt(state, 500 + D - A - 1)).toBe(1);
    expect(leaseAt(state, 500 + D - A)).toBeNull();
    expect(leaseAt(state, 500 + 5 * D)).toBeNull();
    // Nothing held before any tick.
    expect(leaseAt(initialLease('a', [], CONFIG), 0)).toBeNull();
  });

  it('three nodes: a asks b and c, holds after one grant (2 of 3), and says acquired exactly once', () => {
    const [asked, sends] = step(initialLease('a', ['b', 'c'], CONFIG), tick(100, 1));
    expect(sends).toEqual([
      { kind: 'request', to: 'b', epoch: 1, id: 1 },
      { kind: 'request', to: 'c', epoch: 1, id: 1 },
    ]);
    expect(leaseAt(asked, 100)).toBeNull();
    expect(asked.promise).toEqual({ node: 'a', epoch: 1, untilMs: 100 + D + A });

    const [b, bSends] = step(initialLease('b', ['a', 'c'], CONFIG), request('a', 1, 1, 7));
    expect(bSends).toEqual([{ kind: 'grant', to: 'a', epoch: 1, id: 1 }]);
    expect(b.promise).toEqual({ node: 'a', epoch: 1, untilMs: 7 + D + A });
    expect(b.highest).toEqual({ epoch: 1, node: 'a' });

    const [held, heldSends] = step(asked, grant('b', 1, 1));
    expect(heldSends).toEqual([{ kind: 'acquired', epoch: 1 }]);
    expect(held.held).toEqual({ epoch: 1, untilMs: 100 + D - A }); // counted from when it asked
    expect(leaseAt(held, 150)).toBe(1);
    // c's late grant, and b's duplicate, say nothing more.
    const [late, lateSends] = step(held, grant('c', 1, 1));
    expect(lateSends).toEqual([]);
    expect(late).toEqual(held);
    expect(step(held, grant('b', 1, 1))[1]).toEqual([]);
    // A duplicate grant before the majority does not count twice (5 nodes need 3).
    const [five] = step(initialLease('a', ['b', 'c', 'd', 'e'], CONFIG), tick(0, 1));
    const [twice, twiceSends] = run(five, grant('b', 1, 1), grant('b', 1, 1));
    expect(twiceSends).toEqual([]);
    expect(leaseAt(twice, 1)).toBeNull();
    expect(step(twice, grant('c', 1, 1))[1]).toEqual([{ kind: 'acquired', epoch: 1 }]);
    // A grant for another request id is ignored.
    expect(step(asked, grant('b', 1, 99))[1]).toEqual([]);
  });

  it('b, having granted epoch 1 to a, refuses epoch 2 to c until its promise expired by b\'s clock, then grants', () => {
    const grantedAt = 40;
    const [b] = step(initialLease('b', ['a', 'c'], CONFIG), request('a', 1, 1, grantedAt));
    const until = grantedAt + D + A;
    for (const nowMs of [grantedAt, grantedAt + D, until - 1]) {
      const [after, sends] = step(b, request('c', 2, 1, nowMs));
      expect(sends).toEqual([{ kind: 'refuse', to: 'c', epoch: 2, id: 1, promised: { epoch: 1, node: 'a' } }]);
      expect(after).toEqual(b);
    }
    const [granted, sends] = step(b, request('c', 2, 1, until));
    expect(sends).toEqual([{ kind: 'grant', to: 'c', epoch: 2, id: 1 }]);
    expect(granted.promise).toEqual({ node: 'c', epoch: 2, untilMs: until + D + A });
    expect(granted.highest).toEqual({ epoch: 2, node: 'c' });
    // a itself may renew or step up at any time: the promise is its own.
    expect(step(b, request('a', 2, 2, grantedAt + 1))[1]).toEqual([{ kind: 'grant', to: 'a', epoch: 2, id: 2 }]);
    // A lower epoch is refused for ever.
    expect(step(granted, request('a', 1, 3, until + 10 * D))[1]).toMatchObject([{ kind: 'refuse', promised: { epoch: 2, node: 'c' } }]);
  });

  it('never promises the same epoch to two nodes, however late', () => {
    const [b] = step(initialLease('b', ['a', 'c'], CONFIG), request('a', 3, 1, 0));
    for (const nowMs of [0, D, D + A, 100 * D]) {
      expect(step(b, request('c', 3, 1, nowMs))[1]).toEqual([{ kind: 'refuse', to: 'c', epoch: 3, id: 1, promised: { epoch: 3, node: 'a' } }]);
    }
    // Nor to a peer the epoch it promised itself.
    const [self] = step(initialLease('b', ['a', 'c'], CONFIG), tick(0, 3));
    expect(step(self, request('a', 3, 1, 100 * D))[1]).toMatchObject([{ kind: 'refuse', promised: { epoch: 3, node: 'b' } }]);
    // Nor itself an epoch it promised a peer.
    const [none, sends] = step(b, tick(100 * D, 3));
    expect(sends).toEqual([]);
    expect(none.promise).toEqual(b.promise);
  });

  it('after a restart refuses every request, and does not promise itself, until nowMs + D + allowance', () => {
    const [before] = step(initialLease('b', ['a', 'c'], CONFIG), request('a', 1, 1, 0));
    const restartAt = 300;
    const [restarted, none] = step(before, { kind: 'restarted', nowMs: restartAt, epoch: 1, holder: 'a' });
    expect(none).toEqual([]);
    expect(restarted).toMatchObject({ promise: null, held: null, request: null, highest: { epoch: 1, node: 'a' }, idNext: before.idNext, quietUntilMs: restartAt + D + A });
    const quiet = restartAt + D + A;
    for (const nowMs of [restartAt, restartAt + D, quiet - 1]) {
      // Even a from the record, even a fresh epoch: it cannot know what it promised.
      for (const [from, epoch] of [['a', 1], ['c', 2], ['c', 9]] as const) {
        expect(step(restarted, request(from, epoch, 5, nowMs))[1]).toEqual([{ kind: 'refuse', to: from, epoch, id: 5, promised: { epoch: 1, node: 'a' } }]);
      }
      const [self, selfSends] = step(restarted, tick(nowMs, 2));
      expect(selfSends).toEqual([]);
      expect(self.promise).toBeNull();
    }
    expect(step(restarted, request('c', 2, 5, quiet))[1]).toEqual([{ kind: 'grant', to: 'c', epoch: 2, id: 5 }]);
    expect(step(restarted, tick(quiet, 2))[1]).toEqual([
      { kind: 'request', to: 'a', epoch: 2, id: 1 },
      { kind: 'request', to: 'c', epoch: 2, id: 1 },
    ]);
    // A holder forgets its lease on a restart, and its pending request.
    const [holder] = step(initialLease('s', [], CONFIG), tick(0, 1));
    expect(leaseAt(step(holder, { kind: 'restarted', nowMs: 1, epoch: 1, holder: 's' })[0], 1)).toBeNull();
    // A single node is quiet too: no self-promise, so no lease, until the quiet ends.
    const [single] = step(holder, { kind: 'restarted', nowMs: 10, epoch: 1, holder: 's' });
    expect(step(single, tick(10 + D + A - 1, 2))[1]).toEqual([]);
    expect(step(single, tick(10 + D + A, 2))[1]).toEqual([{ kind: 'acquired', epoch: 2 }]);
  });

  it('faults: noFence keeps the lease after its expiry; trustsClock has no allowance', () => {
    const [fenced] = step(initialLease('a', [], CONFIG), tick(0, 1));
    const [unfenced] = step(initialLease('a', [], CONFIG, { noFence: true }), tick(0, 1));
    expect(leaseAt(fenced, D - A)).toBeNull();
    expect(leaseAt(unfenced, D - A)).toBe(1);
    expect(leaseAt(unfenced, 1000 * D)).toBe(1);
    // Even noFence gives up a lease a higher epoch superseded.
    expect(leaseAt({ ...unfenced, highest: { epoch: 2, node: 'b' } }, 1000 * D)).toBeNull();

    const trusting: LeaseFaults = { trustsClock: true };
    expect(allowanceMs(CONFIG, trusting)).toBe(0);
    const [trusted] = step(initialLease('a', [], CONFIG, trusting), tick(0, 1));
    expect(trusted.held).toEqual({ epoch: 1, untilMs: D });
    expect(trusted.promise).toEqual({ node: 'a', epoch: 1, untilMs: D });
    const [b] = step(initialLease('b', ['a', 'c'], CONFIG, trusting), request('a', 1, 1, 0));
    expect(step(b, request('c', 2, 1, D))[1]).toEqual([{ kind: 'grant', to: 'c', epoch: 2, id: 1 }]);
  });

  it('a refuse with a higher promised epoch raises highest and drops the stale request; leaseAt is null once highest passes the held epoch', () => {
    const [asked] = step(initialLease('a', ['b', 'c'], CONFIG), tick(0, 1));
    const refuse = (epoch: number, node: string, id = 1): LeaseEvent => ({ kind: 'refuse', from: 'b', epoch: 1, id, promised: { epoch, node } });
    // The same epoch (promised to another node) leaves the request pending.
    const [same] = step(asked, refuse(1, 'c'));
    expect(same.request).not.toBeNull();
    // A higher epoch drops it.
    const [stale, sends] = step(asked, refuse(4, 'c'));
    expect(sends).toEqual([]);
    expect(stale.highest).toEqual({ epoch: 4, node: 'c' });
    expect(stale.request).toBeNull();
    expect(step(stale, grant('c', 1, 1))[1]).toEqual([]);
    // A refuse for an older request raises highest but keeps the current request.
    const [other] = step(asked, refuse(4, 'c', 99));
    expect(other.highest).toEqual({ epoch: 4, node: 'c' });
    expect(other.request).not.toBeNull();
    // A refuse naming no node (a quiet node with no record) does not raise highest.
    expect(step(asked, refuse(4, '')).at(0)).toMatchObject({ highest: { epoch: 1, node: 'a' } });

    const [held] = step(asked, grant('b', 1, 1));
    expect(leaseAt(held, 10)).toBe(1);
    const [fenced] = step(held, refuse(2, 'c', 7));
    expect(fenced.highest).toEqual({ epoch: 2, node: 'c' });
    expect(leaseAt(fenced, 10)).toBeNull();
    // Granting a higher epoch to another node ends a lower claim of one's own.
    const [granted] = step({ ...held, promise: null }, request('c', 2, 1, 10));
    expect(granted.held).toBeNull();
    // A tick below highest does nothing.
    expect(step(fenced, tick(20, 1))[1]).toEqual([]);
  });

  it('renews only once less than half the lease is left, and gives a request up after a quarter of the lease', () => {
    const [held] = step(initialLease('a', [], CONFIG), tick(0, 1));
    expect(step(held, tick(D - A - D / 2 - 1, 1))[1]).toEqual([]);
    expect(step(held, tick(D - A - D / 2, 1))[1]).toEqual([{ kind: 'acquired', epoch: 1 }]);
    const [asked] = step(initialLease('a', ['b', 'c'], CONFIG), tick(0, 1));
    expect(step(asked, tick(D / 4 - 1, 1))[0].request?.id).toBe(1);
    const [again, sends] = step(asked, tick(D / 4, 1));
    expect(again.request?.id).toBe(2);
    expect(sends.map((s) => s.kind === 'request' && s.id)).toEqual([2, 2]);
  });

  it('a majority that arrives after the lease would have run out gives no lease', () => {
    const [asked] = step(initialLease('a', ['b', 'c'], CONFIG), tick(0, 1));
    // No tick came to give the request up, so the late grant still completes it...
    const [late] = step(asked, grant('b', 1, 1));
    // ...but the lease counts from when a asked: by now (local 2000) it is long over.
    expect(late.held).toEqual({ epoch: 1, untilMs: D - A });
    expect(leaseAt(late, 2 * D)).toBeNull();
  });

  it('never changes the state it is given', () => {
    const [asked] = step(initialLease('a', ['b', 'c'], CONFIG), tick(0, 1));
    const frozen = JSON.stringify(asked);
    run(asked, grant('b', 1, 1), request('c', 2, 1, 5000), { kind: 'restarted', nowMs: 6000, epoch: 2, holder: 'c' });
    expect(JSON.stringify(asked)).toBe(frozen);
  });
});

// ---------- the harness: real time, drifting clocks, a lossy network ----------

interface Fate {
  /** Real ms until delivery. */
  readonly delay: number;
  readonly drop: boolean;
  /** A second copy after this many real ms, or none. */
  readonly dup: number | null;
}

interface TickAt {
  readonly node: number;
  readonly at: number;
  /** How this tick picks `want` (see wantOf). */
  readonly mode: number;
}

interface RestartAt {
  readonly node: number;
  readonly at: number;
  /** Whether the durable record keeps the highest epoch heard of (else it records none). */
  readonly durable: boolean;
}

interface Scenario {
  readonly durationMs: number;
  readonly rho: number;
  readonly faults: LeaseFaults;
  /** Local time of node i at real time t: offsets[i] + rates[i] x t. */
  readonly rates: readonly number[];
  readonly offsets: readonly number[];
  readonly ticks: readonly TickAt[];
  readonly restarts: readonly RestartAt[];
  /** Used in turn, one a message; empty means every message arrives after 1 ms. */
  readonly fates: readonly Fate[];
}

interface Holder {
  readonly node: string;
  readonly epoch: number;
  readonly localMs: number;
}

interface Outcome {
  /** The first real time two nodes held the lease, and who, by their own clocks. */
  readonly overlap: { readonly atReal: number; readonly holders: readonly Holder[] } | null;
  /** Every 'acquired' send; `live` when leaseAt is non-null right then (a grant that came after the lease ran out is not). */
  readonly acquired: readonly { readonly node: string; readonly epoch: number; readonly atReal: number; readonly live: boolean }[];
  readonly log: readonly string[];
}

type Item =
  | { readonly at: number; readonly seq: number; readonly kind: 'tick'; readonly node: number; readonly mode: number }
  | { readonly at: number; readonly seq: number; readonly kind: 'restart'; readonly node: number; readonly durable: boolean }
  | { readonly at: number; readonly seq: number; readonly kind: 'deliver'; readonly node: number; readonly from: number; readonly send: Exclude<LeaseSend, { kind: 'acquired' }> };

const nameOf = (i: number): string => `n${i}`;

/**
 * The `want` of a tick. Modes 0-6: the simple rule (a node that believes it holds renews at
 * max(highest, held); otherwise modes 0-3 take over at highest + 1, 4-6 wait). Mode 7 waits,
 * 8 contends for highest itself, 9 jumps to highest + 2: `want` is the caller's, so safety
 * must hold whatever it is.
 */
function wantOf(state: LeaseState, mode: number): number | null {
  const highest = state.highest.epoch;
  if (mode === 7) return null;
  if (mode === 8) return highest;
  if (mode === 9) return highest + 2;
  if (state.held !== null && state.held.epoch >= highest) return Math.max(highest, state.held.epoch);
  return mode <= 3 ? highest + 1 : null;
}

function simulate(scenario: Scenario): Outcome {
  const n = scenario.rates.length;
  const config: LeaseConfig = { durationMs: scenario.durationMs, driftPpmMax: Math.round(scenario.rho * 1_000_000) };
  const names = Array.from({ length: n }, (_, i) => nameOf(i));
  const states = names.map((name) => initialLease(name, names.filter((peer) => peer !== name), config, scenario.faults));
  const local = (i: number, t: number): number => (scenario.offsets[i] ?? 0) + (scenario.rates[i] ?? 1) * t;
  const log: string[] = [];
  const acquired: { node: string; epoch: number; atReal: number; live: boolean }[] = [];
  let overlap: Outcome['overlap'] = null;

  const queue: Item[] = [];
  let seq = 0;
  const push = (item: Item): void => {
    // Stable by (at, seq): insert after every item due no later.
    let index = queue.length;
    while (index > 0 && (queue[index - 1]?.at ?? 0) > item.at) index--;
    queue.splice(index, 0, item);
  };
  for (const t of scenario.ticks) push({ at: t.at, seq: seq++, kind: 'tick', node: t.node % n, mode: t.mode });
  for (const r of scenario.restarts) push({ at: r.at, seq: seq++, kind: 'restart', node: r.node % n, durable: r.durable });

  let fateNext = 0;
  const sendAll = (from: number, t: number, sends: readonly LeaseSend[]): void => {
    for (const send of sends) {
      if (send.kind === 'acquired') {
        const live = leaseAt(states[from] as LeaseState, local(from, t)) !== null;
        acquired.push({ node: names[from] ?? '', epoch: send.epoch, atReal: t, live });
        log.push(`${t}: ${names[from]} acquired epoch ${send.epoch}${live ? '' : ' (already expired)'}`);
        continue;
      }
      const to = names.indexOf(send.to);
      const fate: Fate = scenario.fates.length === 0 ? { delay: 1, drop: false, dup: null } : (scenario.fates[fateNext++ % scenario.fates.length] as Fate);
      if (fate.drop) {
        log.push(`${t}: ${names[from]} -> ${send.to} ${send.kind} e${send.epoch} #${send.id} dropped`);
      } else {
        push({ at: t + fate.delay, seq: seq++, kind: 'deliver', node: to, from, send });
        log.push(`${t}: ${names[from]} -> ${send.to} ${send.kind} e${send.epoch} #${send.id} arrives ${t + fate.delay}${fate.dup === null ? '' : ` and ${t + fate.dup}`}`);
      }
      if (fate.dup !== null) push({ at: t + fate.dup, seq: seq++, kind: 'deliver', node: to, from, send });
    }
  };

  const check = (t: number): void => {
    if (overlap !== null) return;
    const holders: Holder[] = [];
    for (let i = 0; i < n; i++) {
      const state = states[i] as LeaseState;
      const localMs = local(i, t);
      const epoch = leaseAt(state, localMs);
      if (epoch !== null) holders.push({ node: names[i] ?? '', epoch, localMs });
    }
    if (holders.length > 1) overlap = { atReal: t, holders };
  };

  let steps = 0;
  while (queue.length > 0 && steps++ < 20_000) {
    const item = queue.shift() as Item;
    const t = item.at;
    const i = item.node;
    const state = states[i] as LeaseState;
    const nowMs = local(i, t);
    let event: LeaseEvent;
    if (item.kind === 'tick') {
      event = { kind: 'tick', nowMs, want: wantOf(state, item.mode) };
      log.push(`${t}: ${names[i]} tick want ${event.want} (local ${nowMs.toFixed(2)})`);
    } else if (item.kind === 'restart') {
      event = { kind: 'restarted', nowMs, epoch: item.durable ? state.highest.epoch : 0, holder: item.durable ? state.highest.node : null };
      log.push(`${t}: ${names[i]} restarted (local ${nowMs.toFixed(2)}, record e${event.epoch} ${event.holder})`);
    } else {
      const from = names[item.from] ?? '';
      const send = item.send;
      event =
        send.kind === 'request'
          ? { kind: 'request', from, epoch: send.epoch, id: send.id, nowMs }
          : send.kind === 'grant'
            ? { kind: 'grant', from, epoch: send.epoch, id: send.id }
            : { kind: 'refuse', from, epoch: send.epoch, id: send.id, promised: send.promised };
      log.push(`${t}: ${names[i]} <- ${from} ${send.kind} e${send.epoch} #${send.id} (local ${nowMs.toFixed(2)})`);
    }
    const [next, sends] = step(state, event);
    states[i] = next;
    sendAll(i, t, sends);
    // Between events a node's state is fixed and leaseAt only turns null as its clock runs, so
    // the holders at any real time are a subset of those just after the last event: checking
    // after every event (each node at its own local time for that instant) covers all of time.
    check(t);
  }
  return { overlap, acquired, log };
}

// ---------- arbitraries ----------

const RHOS = [0, 0.001, 0.05, 0.2] as const;
const HORIZON = 6 * D;

const fateArb: fc.Arbitrary<Fate> = fc.record({
  delay: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: D / 10 }) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 2 * D }) }),
  drop: fc.integer({ min: 0, max: 9 }).map((k) => k === 0),
  dup: fc.option(fc.integer({ min: 0, max: D }), { freq: 8 }),
});

function scenarioArb(options: { faults?: LeaseFaults; rho?: number; rates?: 'random' | 'adversarial'; lossy?: boolean } = {}): fc.Arbitrary<Scenario> {
  const lossy = options.lossy ?? true;
  return fc
    .record({
      n: fc.integer({ min: 3, max: 5 }),
      rho: options.rho === undefined ? fc.constantFrom(...RHOS) : fc.constant(options.rho),
      durationMs: fc.constantFrom(D, 300),
    })
    .chain(({ n, rho, durationMs }) =>
      fc.record({
        durationMs: fc.constant(durationMs),
        rho: fc.constant(rho),
        faults: fc.constant(options.faults ?? {}),
        rates:
          options.rates === 'adversarial'
            ? // n0, the first holder, runs slow; everyone else runs fast.
              fc.constant(Array.from({ length: n }, (_, i) => (i === 0 ? 1 - rho : 1 + rho)))
            : fc.array(
                fc.integer({ min: -1000, max: 1000 }).map((u) => 1 + (rho * u) / 1000),
                { minLength: n, maxLength: n },
              ),
        offsets: fc.array(fc.integer({ min: 0, max: 10 * D }), { minLength: n, maxLength: n }),
        ticks: fc.array(
          fc.record({ node: fc.integer({ min: 0, max: n - 1 }), at: fc.integer({ min: 0, max: HORIZON }), mode: fc.integer({ min: 0, max: 9 }) }),
          { minLength: 1, maxLength: 80 },
        ),
        restarts: lossy
          ? fc.array(fc.record({ node: fc.integer({ min: 0, max: n - 1 }), at: fc.integer({ min: 0, max: HORIZON }), durable: fc.boolean() }), { maxLength: 3 })
          : fc.constant([]),
        fates: lossy
          ? fc.array(fateArb, { minLength: 1, maxLength: 60 })
          : fc.array(fc.record({ delay: fc.integer({ min: 0, max: durationMs / 10 }), drop: fc.constant(false), dup: fc.option(fc.integer({ min: 0, max: durationMs / 10 })) }), { minLength: 1, maxLength: 30 }),
      }),
    );
}

function describeOverlap(outcome: Outcome): string {
  if (outcome.overlap === null) return 'no overlap';
  const { atReal, holders } = outcome.overlap;
  return `at real ${atReal}: ${holders.map((h) => `${h.node} holds e${h.epoch} (local ${h.localMs.toFixed(2)})`).join(', ')}\n${outcome.log.join('\n')}`;
}

describe('lease safety on a drifting, lossy cluster', () => {
  it('never has two holders at the same real time (200 random runs)', () => {
    let runs = 0;
    let acquiredRuns = 0;
    let takeOvers = 0;
    fc.assert(
      fc.property(scenarioArb(), (scenario) => {
        const outcome = simulate(scenario);
        runs++;
        const live = outcome.acquired.filter((a) => a.live);
        if (live.length > 0) acquiredRuns++;
        if (new Set(live.map((a) => a.node)).size > 1) takeOvers++;
        if (outcome.overlap !== null) throw new Error(describeOverlap(outcome));
      }),
      { seed: SEED, numRuns: 200 },
    );
    // The property is not vacuous: most runs acquire, and many hand the lease over between nodes.
    expect(runs).toBe(200);
    expect(acquiredRuns).toBeGreaterThan(150);
    expect(takeOvers).toBeGreaterThan(50);
  });

  it('weak liveness: with no drops and no restarts, a node that keeps wanting gets the lease', () => {
    fc.assert(
      fc.property(scenarioArb({ lossy: false }), fc.integer({ min: 0, max: 4 }), (scenario, who) => {
        const n = scenario.rates.length;
        const wanter = who % n;
        // Only `wanter` wants (rule, eager) and it ticks every tenth of a lease; the rest only tick.
        const ticks: TickAt[] = [
          ...scenario.ticks.map((t) => ({ ...t, node: t.node % n, mode: 7 })).filter((t) => t.node !== wanter),
          ...Array.from({ length: 20 }, (_, k) => ({ node: wanter, at: k * (scenario.durationMs / 10), mode: 0 })),
        ];
        const outcome = simulate({ ...scenario, ticks });
        expect(outcome.overlap).toBeNull();
        expect(outcome.acquired.some((a) => a.live && a.node === nameOf(wanter)), outcome.log.join('\n')).toBe(true);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('with no restarts, an epoch is held by one node only, and held epochs rise with real time', () => {
    // Only leases that are live when acquired count: a majority that arrives after the lease
    // ran out (no tick dropped the request in between) still sends 'acquired', but holds nothing.
    fc.assert(
      fc.property(scenarioArb(), (scenario) => {
        const outcome = simulate({ ...scenario, restarts: [] });
        const byEpoch = new Map<number, string>();
        let last = 0;
        for (const a of outcome.acquired.filter((x) => x.live)) {
          expect(byEpoch.get(a.epoch) ?? a.node, `epoch ${a.epoch}\n${outcome.log.join('\n')}`).toBe(a.node);
          byEpoch.set(a.epoch, a.node);
          expect(a.epoch, `epoch order\n${outcome.log.join('\n')}`).toBeGreaterThanOrEqual(last);
          last = a.epoch;
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe('negative controls: the harness can fail', () => {
  it('a deterministic schedule: with trustsClock, a slow holder still holds when a fast majority promised the next epoch', () => {
    // rho = 0.2, D = 1000. n0 runs at 0.8, n1 and n2 at 1.2. n0 asks at real 0; n1 grants at real 1
    // (until local 1.2 + D = 1001.2, real 834.3); n0 holds until local 1000 = real 1250. n2 (which
    // never heard n0's request) asks for epoch 2 at real 900; n1's promise expired, so it grants.
    const schedule = (faults: LeaseFaults): Scenario => ({
      durationMs: D,
      rho: 0.2,
      faults,
      rates: [0.8, 1.2, 1.2],
      offsets: [0, 0, 0],
      ticks: [
        { node: 0, at: 0, mode: 0 },
        { node: 2, at: 900, mode: 9 }, // wants highest + 2 = 2: n2 never heard of epoch 1
      ],
      restarts: [],
      // In send order: n0 -> n1 request, n0 -> n2 request (dropped), n1 -> n0 grant, n2 -> n0 and
      // n2 -> n1 requests, n0 -> n2 refuse, n1 -> n2 grant (or refuse): all after 1 ms.
      fates: [0, 1, 2, 3, 4, 5, 6].map((k) => ({ delay: 1, drop: k === 1, dup: null })),
    });
    const broken = simulate(schedule({ trustsClock: true }));
    expect(broken.overlap, broken.log.join('\n')).toMatchObject({ atReal: 902, holders: [{ node: 'n0', epoch: 1 }, { node: 'n2', epoch: 2 }] });
    // The real protocol: n1's promise lasts D + 201 by its clock (real 1001.8), n0's lease D - 201
    // by its own (real 998.75), so n2 asks too early and n1 refuses.
    const safe = simulate(schedule({}));
    expect(safe.overlap, describeOverlap(safe)).toBeNull();
    expect(safe.acquired.map((a) => a.node)).toEqual(['n0']);
  });

  it('a random search with trustsClock, rho = 0.2 and adversarial rates finds two holders', () => {
    const result = fc.check(
      fc.property(scenarioArb({ faults: { trustsClock: true }, rho: 0.2, rates: 'adversarial' }), (scenario) => simulate(scenario).overlap === null),
      { seed: SEED, numRuns: 500 },
    );
    expect(result.failed).toBe(true);
    const counterexample = result.counterexample?.[0];
    expect(counterexample).toBeDefined();
    if (counterexample !== undefined) {
      expect(simulate(counterexample).overlap).not.toBeNull();
      // The same schedule is safe with the allowance.
      expect(simulate({ ...counterexample, faults: {} }).overlap).toBeNull();
    }
  });

  it('a random search with noFence finds two holders', () => {
    const result = fc.check(
      fc.property(scenarioArb({ faults: { noFence: true } }), (scenario) => simulate(scenario).overlap === null),
      { seed: SEED, numRuns: 200 },
    );
    expect(result.failed).toBe(true);
  });
});
