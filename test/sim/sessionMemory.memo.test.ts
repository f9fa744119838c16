// Proves SessionMemory.behind, which skips buckets it judged clean before and judges only the changed messages of a bucket made from one, answers exactly what a full scan of the mailbox answers (null or the same reason) on every step of random client observations and replica edits, and that this property catches a memo that misses the client's changes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Message } from '../../core/message.ts';
import { bucketOf, updateMessages } from '../../core/messageMap.ts';
import type { Mailbox } from '../../core/state.ts';
import { changeLogUidsMax, SessionMemory } from '../../sim/sessionMemory.ts';
import { mailbox, message } from './checkers/historyBuilder.ts';

const SEED = 20240611;
/** Buckets the GUIDs share, so a bucket holds several messages and their order matters. */
const BUCKETS_USED = 4;
const GUIDS_PER_BUCKET = 4;
const UID_MAX = 24;

/** GUIDs that fall into BUCKETS_USED buckets, GUIDS_PER_BUCKET each. */
const GUIDS: readonly string[] = (() => {
  const byBucket = new Map<number, string[]>();
  for (let i = 0; byBucket.size < BUCKETS_USED || [...byBucket.values()].some((g) => g.length < GUIDS_PER_BUCKET); i++) {
    const guid = `g${i}`;
    const bucket = bucketOf(guid);
    const guids = byBucket.get(bucket) ?? (byBucket.size < BUCKETS_USED ? [] : undefined);
    if (guids === undefined || guids.length >= GUIDS_PER_BUCKET) continue;
    guids.push(guid);
    byBucket.set(bucket, guids);
  }
  return [...byBucket.values()].flat();
})();

type Step =
  | { kind: 'select'; replica: number }
  | { kind: 'told'; uid: number; guid: number; modseq: number }
  | { kind: 'removed'; uid: number }
  | { kind: 'deliver'; replica: number; guid: number; uid: number | null }
  | { kind: 'flag'; replica: number; guid: number; lower: boolean }
  | { kind: 'expunge'; replica: number; guid: number }
  | { kind: 'renumber'; replica: number; guid: number; uid: number }
  | { kind: 'sync'; replica: number };

const replicaArb = fc.integer({ min: 0, max: 1 });
const guidArb = fc.integer({ min: 0, max: GUIDS.length - 1 });
const uidArb = fc.integer({ min: 1, max: UID_MAX });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('select' as const), replica: replicaArb }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('told' as const), uid: uidArb, guid: guidArb, modseq: fc.integer({ min: 0, max: 30 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('removed' as const), uid: uidArb }), weight: 1 },
  // uid null: at UIDNEXT, as a server hands UIDs out; a number: anywhere, as a fork does.
  { arbitrary: fc.record({ kind: fc.constant('deliver' as const), replica: replicaArb, guid: guidArb, uid: fc.option(uidArb, { freq: 4 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('flag' as const), replica: replicaArb, guid: guidArb, lower: fc.boolean() }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('expunge' as const), replica: replicaArb, guid: guidArb }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('renumber' as const), replica: replicaArb, guid: guidArb, uid: uidArb }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('sync' as const), replica: replicaArb }), weight: 1 },
);

/** A replica's mailbox after `puts` and `removals`: only the buckets they touch change identity. */
function edited(box: Mailbox, puts: Message[], removals: string[], uidNext = box.uidNext): Mailbox {
  const highestModseq = Math.max(box.highestModseq, ...puts.map((m) => m.modseq)) + (removals.length > 0 ? 1 : 0);
  return { ...box, uidNext: Math.max(box.uidNext, uidNext), highestModseq, messages: updateMessages(box.messages, puts, removals) };
}

function messageOf(box: Mailbox, guid: string): Message | undefined {
  return box.messages.buckets[bucketOf(guid)]?.get(guid);
}

/** The replicas after one step (the session memory learns through `memory`). */
function apply(memory: SessionMemory, replicas: Mailbox[], step: Step): void {
  const at = (replica: number): Mailbox => replicas[replica] as Mailbox;
  const guid = 'guid' in step ? (GUIDS[step.guid] as string) : '';
  switch (step.kind) {
    case 'select':
      return memory.selected(at(step.replica));
    case 'told':
      return memory.message('INBOX', 1, step.uid, guid, step.modseq);
    case 'removed':
      return memory.removed('INBOX', 1, step.uid);
    case 'sync':
      replicas[step.replica] = at(1 - step.replica);
      return;
  }
  const box = at(step.replica);
  const current = messageOf(box, guid);
  const modseq = box.highestModseq + 1;
  if (step.kind === 'deliver') {
    if (current !== undefined) return;
    const uid = step.uid ?? box.uidNext;
    replicas[step.replica] = edited(box, [message(guid, uid, { modseq })], [], uid + 1);
  } else if (current === undefined) {
    return;
  } else if (step.kind === 'flag') {
    const next = step.lower ? Math.max(1, current.modseq - 1) : modseq;
    replicas[step.replica] = edited(box, [{ ...current, modseq: next }], []);
  } else if (step.kind === 'expunge') {
    replicas[step.replica] = edited(box, [], [guid]);
  } else {
    replicas[step.replica] = edited(box, [{ ...current, uid: step.uid }], [], step.uid + 1);
  }
}

/** A memo that never hears of the client's changes: what the property must catch. */
class ForgetfulMemory extends SessionMemory {
  protected override changed(): void {}
}

/** How often each answer came: null on a mailbox with messages, the counters' reason, a message's reason. */
interface Tally {
  null: number;
  counters: number;
  message: number;
}

/** Whether behind equals the full scan on both replicas after every step. */
function agrees(memory: SessionMemory, steps: readonly Step[], tally: Tally): boolean {
  const replicas = [0, 1].map(() => mailbox('INBOX', [], { uidNext: 1, highestModseq: 1 }));
  for (const step of steps) {
    apply(memory, replicas, step);
    for (const replica of [0, 1]) {
      const box = replicas[replica] as Mailbox;
      const node = `n${replica}`;
      const expected = memory.behindFullScan(node, box);
      if (memory.behind(node, box) !== expected) return false;
      if (expected === null) tally.null += box.messages.size > 0 ? 1 : 0;
      else if (expected.includes(' is behind ')) tally.counters++;
      else tally.message++;
    }
  }
  return true;
}

const stepsArb = fc.array(stepArb, { minLength: 1, maxLength: 80, size: 'max' });

describe('SessionMemory.behind with judged buckets', () => {
  it('answers what a full scan answers, reason included, on every step', () => {
    const tally: Tally = { null: 0, counters: 0, message: 0 };
    fc.assert(
      fc.property(stepsArb, (steps) => agrees(new SessionMemory(), steps, tally)),
      { seed: SEED, numRuns: 400 },
    );
    // Both answers are common, so judged buckets are both kept and invalidated.
    expect(tally.null).toBeGreaterThan(3000);
    expect(tally.message).toBeGreaterThan(3000);
  });

  it('negative control: the same property fails for a memo that ignores the change log', () => {
    const result = fc.check(
      fc.property(stepsArb, (steps) => agrees(new ForgetfulMemory(), steps, { null: 0, counters: 0, message: 0 })),
      { seed: SEED, numRuns: 400 },
    );
    expect(result.failed).toBe(true);
  });

  it('a change log dropped at its limit makes every bucket be judged again', () => {
    const box = mailbox('INBOX', GUIDS.map((guid, i) => message(guid, i + 1)));
    const memory = new SessionMemory();
    memory.selected(box);
    expect(memory.behind('n1', box)).toBeNull();
    // The change that matters, then enough that do not (UIDs the replica lacks) to drop it from the log.
    memory.removed('INBOX', 1, 3);
    for (let i = 0; i < changeLogUidsMax; i++) memory.removed('INBOX', 1, 1000 + i);
    expect(memory.behind('n1', box)).toContain('UID 3, which this session removed');
    expect(memory.behind('n1', box)).toBe(memory.behindFullScan('n1', box));
  });
});
