// Proves the pure IMAP operations keep RFC 9051/7162 rules over random op sequences (UIDs ascend and are never reused, UIDNEXT and MODSEQ only grow) and that a refused op changes nothing.
import { UidIndex, messagesWithUids } from '../../core/uidIndex.ts';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import * as ops from '../../core/ops.ts';
import { ImapNoError, HostileNameError } from '../../core/errors.ts';
import { allMessages, messagesByUid } from '../../core/messageMap.ts';
import type { StoreState } from '../../core/state.ts';
import { apply, bodyOf, context, initialState, opArb, snapshot } from './opsModel.ts';
import { blobFrom } from '../../core/objects.ts';


interface Seen {
  uidNext: number;
  highestModseq: number;
  maxUid: number;
  uidToGuid: Map<number, string>;
}

function checkRules(before: StoreState, after: StoreState, history: Map<string, Seen>): void {
  for (const mailbox of after.mailboxes.values()) {
    const key = `${mailbox.name}/${mailbox.uidValidity}`;
    const seen = history.get(key) ?? { uidNext: 1, highestModseq: 0, maxUid: 0, uidToGuid: new Map() };
    expect(mailbox.uidNext).toBeGreaterThanOrEqual(seen.uidNext);
    expect(mailbox.highestModseq).toBeGreaterThanOrEqual(seen.highestModseq);
    const old = before.mailboxes.get(mailbox.name);
    const oldUids = new Set(old && old.uidValidity === mailbox.uidValidity ? [...allMessages(old.messages)].map((m) => m.uid) : []);
    const uids = new Set<number>();
    // In UID order: "a new UID is above every UID seen" is about the order UIDs were handed out,
    // and a mailbox's buckets iterate in hash order (a renamed mailbox shows all its UIDs at once).
    for (const message of [...allMessages(mailbox.messages)].sort((a, b) => a.uid - b.uid)) {
      expect(message.modseq).toBeGreaterThan(0);
      expect(message.modseq).toBeLessThanOrEqual(mailbox.highestModseq);
      if (message.uid === 0) continue;
      expect(uids.has(message.uid)).toBe(false);
      uids.add(message.uid);
      expect(message.uid).toBeLessThan(mailbox.uidNext);
      const previous = seen.uidToGuid.get(message.uid);
      if (previous !== undefined) expect(previous).toBe(message.guid);
      else if (!oldUids.has(message.uid)) expect(message.uid).toBeGreaterThan(seen.maxUid);
      seen.uidToGuid.set(message.uid, message.guid);
      seen.maxUid = Math.max(seen.maxUid, message.uid);
    }
    const oldMailbox = old && old.uidValidity === mailbox.uidValidity ? old : undefined;
    if (oldMailbox && oldMailbox !== mailbox) {
      const changed = snapshotChanged(oldMailbox, mailbox);
      if (changed) expect(mailbox.highestModseq).toBeGreaterThan(oldMailbox.highestModseq);
    }
    seen.uidNext = mailbox.uidNext;
    seen.highestModseq = mailbox.highestModseq;
    history.set(key, seen);
  }
}

function snapshotChanged(a: StoreState['mailboxes'] extends ReadonlyMap<string, infer M> ? M : never, b: typeof a): boolean {
  return JSON.stringify(messagesByUid(a.messages)) !== JSON.stringify(messagesByUid(b.messages));
}

describe('ops properties', () => {
  it('random op sequences keep UIDs ascending and unique, UIDNEXT and MODSEQ monotone; refused ops change nothing', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), fc.boolean(), (sequence, assign) => {
        let state = initialState();
        const history = new Map<string, Seen>();
        const counter = { n: 0 };
        sequence.forEach((op, i) => {
          const before = snapshot(state);
          const { state: next, refused } = apply(state, op, context(1000 * (i + 1), counter, assign));
          expect(snapshot(state)).toEqual(before);
          if (refused) expect(next).toBe(state);
          checkRules(state, next, history);
          state = next;
        });
      }),
      { numRuns: 300 },
    );
  });

  it('the rule checker itself catches a reused UID (negative case)', () => {
    const ctx = context(1000, { n: 0 });
    const body = bodyOf(1);
    const b = { blobId: blobFrom(body).id, sizeBytes: body.length, messageId: '' };
    const one = ops.appendMessage(initialState(), 'INBOX', b, [], ctx).state;
    const two = ops.expungeMessages(one, 'INBOX', [1]).state;
    const inbox = two.mailboxes.get('INBOX')!;
    const cheating: StoreState = { mailboxes: new Map([['INBOX', { ...inbox, uidNext: 1 }]]) };
    const three = ops.appendMessage(cheating, 'INBOX', b, [], ctx).state;
    const history = new Map<string, Seen>();
    checkRules(initialState(), one, history);
    checkRules(one, two, history);
    expect(() => checkRules(two, three, history)).toThrow();
  });
});

describe('ops results', () => {
  const ctx = () => context(5000, { n: 0 });
  const body = bodyOf(1);
  const b = { blobId: blobFrom(body).id, sizeBytes: body.length, messageId: '<b1@test>' };

  it('append answers APPENDUID data and grows UIDNEXT; pending gets uid 0 and leaves UIDNEXT', () => {
    const { state, result } = ops.appendMessage(initialState(), 'INBOX', b, ['\\Seen'], ctx());
    expect(result).toMatchObject({ uid: 1, modseq: 2 });
    expect(state.mailboxes.get('INBOX')!.uidNext).toBe(2);
    const pending = ops.appendMessage(state, 'INBOX', b, [], context(6000, { n: 9 }, false));
    expect(pending.result.uid).toBe(0);
    expect(pending.state.mailboxes.get('INBOX')!.uidNext).toBe(2);
  });

  it('move gives new UIDs in the target and removes from the source (never both); copy keeps the source', () => {
    let state = ops.createMailbox(initialState(), 'Archive', ctx()).state;
    for (let i = 0; i < 3; i++) state = ops.appendMessage(state, 'INBOX', b, [], context(5000 + i, { n: i })).state;
    const moved = ops.moveMessages(state, 'INBOX', [1, 3], 'Archive', ctx());
    expect(moved.result).toMatchObject({ sourceUids: [1, 3], targetUids: [1, 2] });
    const inboxGuids = [...allMessages(moved.state.mailboxes.get('INBOX')!.messages)].map((m) => m.guid);
    const archiveGuids = [...allMessages(moved.state.mailboxes.get('Archive')!.messages)].map((m) => m.guid);
    expect(inboxGuids.filter((g) => archiveGuids.includes(g))).toEqual([]);
    expect(archiveGuids).toHaveLength(2);
    const copied = ops.copyMessages(moved.state, 'INBOX', [2], 'Archive', context(9000, { n: 50 }));
    expect(copied.result.targetUids).toEqual([3]);
    expect(copied.state.mailboxes.get('INBOX')!.messages.size).toBe(1);
  });

  it('store changes only what differs and extends the keyword table; a no-op returns the same state', () => {
    const one = ops.appendMessage(initialState(), 'INBOX', b, ['\\Seen'], ctx()).state;
    const same = ops.storeFlags(one, 'INBOX', [1], '+', ['\\Seen']);
    expect(same.state).toBe(one);
    const changed = ops.storeFlags(one, 'INBOX', [1, 99], '+', ['$Junk']);
    expect(changed.result.changed).toEqual([{ uid: 1, guid: expect.any(String), flags: ['$Junk', '\\Seen'], modseq: 3 }]);
    expect(changed.state.mailboxes.get('INBOX')!.keywords).toEqual(['$Junk']);
  });

  it('refuses with typed errors', () => {
    const state = initialState();
    expect(() => ops.appendMessage(state, 'Nope', b, [], ctx())).toThrow(ImapNoError);
    expect(() => ops.storeFlags(state, 'INBOX', [1], '+', ['\\Recent'])).toThrow(ImapNoError);
    expect(() => ops.createMailbox(state, 'INBOX', ctx())).toThrow(ImapNoError);
    expect(() => ops.createMailbox(state, 'a..b', ctx())).toThrow(HostileNameError);
    expect(() => ops.deleteMailbox(state, 'INBOX')).toThrow(ImapNoError);
    expect(() => ops.renameMailbox(state, 'INBOX', 'X')).toThrow(ImapNoError);
  });

  it('rename carries inferiors and UIDVALIDITY; a recreated name gets a greater UIDVALIDITY', () => {
    let state = ops.createMailbox(initialState(), 'A', context(1000, { n: 0 })).state;
    state = ops.createMailbox(state, 'A.B', context(1000, { n: 0 })).state;
    const validity = state.mailboxes.get('A.B')!.uidValidity;
    state = ops.renameMailbox(state, 'A', 'C').state;
    expect([...state.mailboxes.keys()]).toEqual(['C', 'C.B', 'INBOX']);
    expect(state.mailboxes.get('C.B')!.uidValidity).toBe(validity);
    state = ops.createMailbox(state, 'A', context(1000, { n: 0 })).state;
    state = ops.deleteMailbox(state, 'A').state;
    const before = Math.max(...[...state.mailboxes.values()].map((m) => m.uidValidity));
    state = ops.createMailbox(state, 'A', context(1000, { n: 0 })).state;
    expect(state.mailboxes.get('A')!.uidValidity).toBeGreaterThan(before);
  });
});

describe('messagesWithUids', () => {
  // Maps with clashing UIDs (what a merge sees before it renumbers), asked for few or many UIDs,
  // with and without a whole-map index: always exactly the messages holding those UIDs.
  it('equals a plain filter, whichever index answers', async () => {
    const { messageMapFrom, bucketOf } = await import('../../core/messageMap.ts');
    // GUIDs of two buckets only, so clashing UIDs also meet inside one bucket.
    const guids = Array.from({ length: 60_000 }, (_, i) => `g${i}`).filter((g) => bucketOf(g) < 2).slice(0, 120);
    const message = (i: number, uid: number) => ({ guid: guids[i] as string, uid, flags: [], modseq: 1, internalDateMs: 0, sizeBytes: 1, blobId: '', messageId: '' });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 120 }), fc.array(fc.integer({ min: -1, max: 45 }), { maxLength: 20 }), (uids, asked) => {
        const all = uids.map((uid, i) => message(i, uid));
        const map = messageMapFrom(all);
        const index = new UidIndex();
        const want = new Set(asked.filter((u) => u > 0));
        const expected = all.filter((m) => want.has(m.uid)).map((m) => m.guid).sort();
        expect(messagesWithUids(index, map, asked).map((m) => m.guid).sort()).toEqual(expected);
        // Many UIDs build the whole-map index; asking again goes through it.
        messagesWithUids(index, map, Array.from({ length: 20 }, (_, i) => i + 1));
        expect(messagesWithUids(index, map, asked).map((m) => m.guid).sort()).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
