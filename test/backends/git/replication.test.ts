// Proves the replication protocol as a pure step without a world: what each event does to a server's view of its peers, which sends follow, who is the designated merger, and that step never changes the state it is given.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { KNOWN_HEADS_MAX, PEER_TIMEOUT_MS, initialReplication, isMerger, silentPeers, step, type ReplicationEvent, type ReplicationState } from '../../../backends/git/replication.ts';

const ROOT = 'r'.repeat(40);
const start = (self = 'b', peers = ['a', 'c']): ReplicationState => initialReplication(self, peers, ROOT);

function run(state: ReplicationState, ...events: ReplicationEvent[]): ReplicationState {
  return events.reduce((s, e) => step(s, e)[0], state);
}

describe('replication step', () => {
  it('a local commit pushes every peer what it lacks beyond the heads it is known to hold', () => {
    const [, sends] = step(start(), { kind: 'committed', reason: 'deliver' });
    expect(sends).toEqual([
      { kind: 'push', to: 'a', known: [ROOT], reason: 'deliver' },
      { kind: 'push', to: 'c', known: [ROOT], reason: 'deliver' },
    ]);
  });

  it('a push is assumed to arrive, up to KNOWN_HEADS_MAX heads per peer', () => {
    let state = start();
    for (let i = 0; i < KNOWN_HEADS_MAX + 3; i++) state = run(state, { kind: 'pushed', to: 'a', heads: [`h${i}`], head: `h${i}`, nothing: false });
    const known = state.peers.get('a')?.known ?? [];
    expect(known.length).toBe(KNOWN_HEADS_MAX);
    expect(known.at(-1)).toBe(`h${KNOWN_HEADS_MAX + 2}`);
    expect(state.peers.get('a')?.confirmed).toBe(ROOT);
  });

  it('a heartbeat naming a head we lack falls back to what the peer surely holds (after a power loss it may hold less)', () => {
    const state = run(start(), { kind: 'pushed', to: 'a', heads: ['x'], head: 'x', nothing: false }, { kind: 'heartbeat', from: 'a', head: 'y', held: false });
    expect(state.peers.get('a')?.known).toEqual([ROOT]);
    expect(state.peers.get('a')?.announced).toBe('y');
    const held = run(state, { kind: 'heartbeat', from: 'a', head: 'x', held: true });
    expect(held.peers.get('a')).toMatchObject({ known: ['x'], confirmed: 'x' });
  });

  it('a refused push falls back and pushes again; an ack confirms', () => {
    const pushed = run(start(), { kind: 'pushed', to: 'c', heads: ['x'], head: 'x', nothing: false });
    const [refused, sends] = step(pushed, { kind: 'refused', from: 'c', head: 'z', held: false });
    expect(refused.peers.get('c')?.known).toEqual([ROOT]);
    expect(sends).toEqual([{ kind: 'push', to: 'c', known: [ROOT], reason: 'anti-entropy' }]);
    const acked = run(pushed, { kind: 'acked', from: 'c', head: 'x', held: true, heldReceived: ['x'] });
    expect(acked.peers.get('c')?.confirmed).toBe('x');
  });

  it('after a receive: a merge goes to every peer, ahead back to the sender, held arms the merge wait', () => {
    const received = (result: 'merge' | 'ahead' | 'held' | 'fast-forward') => step(start(), { kind: 'received', from: 'a', heads: ['x'], result })[1];
    expect(received('merge').map((s) => s.kind === 'push' && s.to)).toEqual(['a', 'c']);
    expect(received('ahead')).toEqual([{ kind: 'push', to: 'a', known: [ROOT, 'x'], reason: 'anti-entropy' }]);
    expect(received('held')).toEqual([{ kind: 'arm-merge-wait' }]);
    expect(received('fast-forward')).toEqual([]);
  });

  it('anti-entropy heartbeats every peer and pushes to one, in turn', () => {
    const [once, first] = step(start(), { kind: 'tick' });
    const [, second] = step(once, { kind: 'tick' });
    expect(first.filter((s) => s.kind === 'heartbeat').length).toBe(2);
    expect(first.find((s) => s.kind === 'push')).toMatchObject({ to: 'a' });
    expect(second.find((s) => s.kind === 'push')).toMatchObject({ to: 'c' });
  });

  it('the designated merger is the smallest name heard from within PEER_TIMEOUT_MS', () => {
    const state = run(start('b', ['a', 'c']), { kind: 'heard', from: 'a', nowMs: 10_000 });
    expect(isMerger(state, 10_000)).toBe(false);
    expect(isMerger(state, 10_000 + PEER_TIMEOUT_MS + 1)).toBe(true);
    expect(silentPeers(state, 10_000)).toEqual(['c']);
    expect(isMerger(start('a', ['b', 'c']), 0)).toBe(true);
  });

  it('never changes the state it is given (property)', () => {
    const event = fc.oneof(
      fc.record({ kind: fc.constant('committed' as const), reason: fc.constant('deliver') }),
      fc.record({ kind: fc.constant('tick' as const) }),
      fc.record({ kind: fc.constant('heard' as const), from: fc.constantFrom('a', 'c'), nowMs: fc.nat(100_000) }),
      fc.record({ kind: fc.constant('heartbeat' as const), from: fc.constantFrom('a', 'c'), head: fc.constantFrom('x', 'y'), held: fc.boolean() }),
      fc.record({ kind: fc.constant('pushed' as const), to: fc.constantFrom('a', 'c'), heads: fc.array(fc.constantFrom('x', 'y', 'z')), head: fc.constantFrom('x', 'y'), nothing: fc.boolean() }),
      fc.record({ kind: fc.constant('received' as const), from: fc.constantFrom('a', 'c'), heads: fc.array(fc.constantFrom('x', 'y')), result: fc.constantFrom('merge' as const, 'held' as const, 'ahead' as const) }),
      fc.record({ kind: fc.constant('crashed' as const) }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        let state = start();
        for (const e of events) {
          const before = JSON.stringify([...state.peers]);
          const [next] = step(state, e);
          expect(JSON.stringify([...state.peers])).toBe(before);
          state = next;
        }
      }),
      { seed: 20261201, numRuns: 200 },
    );
  });
});
