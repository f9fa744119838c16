/** Test helper: random operation sequences over the pure ops, for property tests. */
import { UidIndex } from '../../core/uidIndex.ts';
import fc from 'fast-check';
import * as ops from '../../core/ops.ts';
import { MailsimError } from '../../core/errors.ts';
import type { StoreState } from '../../core/state.ts';
import { blobFrom } from '../../core/objects.ts';
import { messagesByUid } from '../../core/messageMap.ts';

export const MAILBOX_NAMES = ['INBOX', 'Archive', 'Archive.2026', 'Sent'] as const;
export const FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft', '$Junk', '$Label1', 'bad flag', '\\Recent'] as const;

export type Op =
  | { kind: 'append'; mailbox: string; bodyIndex: number; flags: string[] }
  | { kind: 'store'; mailbox: string; uids: number[]; mode: '+' | '-' | '='; flags: string[] }
  | { kind: 'expunge'; mailbox: string; uids: number[] }
  | { kind: 'move' | 'copy'; from: string; uids: number[]; to: string }
  | { kind: 'create' | 'delete'; mailbox: string }
  | { kind: 'rename'; from: string; to: string };

const mailbox = fc.constantFrom(...MAILBOX_NAMES, 'Bad..name');
const flags = fc.subarray([...FLAGS], { maxLength: 3 });
const uids = fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 4 });

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('append' as const), mailbox, bodyIndex: fc.integer({ min: 0, max: 5 }), flags }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('store' as const), mailbox, uids, mode: fc.constantFrom('+' as const, '-' as const, '=' as const), flags }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('expunge' as const), mailbox, uids }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('move' as const, 'copy' as const), from: mailbox, uids, to: mailbox }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('create' as const, 'delete' as const), mailbox }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), from: mailbox, to: mailbox }) },
);

export function bodyOf(index: number): Uint8Array {
  return new TextEncoder().encode(`Message-ID: <b${index}@test>\r\n\r\nbody ${index}\r\n`);
}

export function initialState(): StoreState {
  return ops.createMailbox({ mailboxes: new Map() }, 'INBOX', context(0, { n: 0 })).state;
}

export function context(timeMs: number, counter: { n: number }, assign = true): ops.OpContext {
  return { timeMs, newGuid: () => `${timeMs}.Q${++counter.n}.t`, assignsUids: () => assign, uidIndex: new UidIndex() };
}

/** Applies one op; returns the new state, or the same state when the op was refused with a typed error. */
export function apply(state: StoreState, op: Op, ctx: ops.OpContext): { state: StoreState; refused: boolean } {
  try {
    switch (op.kind) {
      case 'append': {
        const body = bodyOf(op.bodyIndex);
        return { state: ops.appendMessage(state, op.mailbox, { blobId: blobFrom(body).id, sizeBytes: body.length, messageId: `<b${op.bodyIndex}@test>` }, op.flags, ctx).state, refused: false };
      }
      case 'store':
        return { state: ops.storeFlags(state, op.mailbox, op.uids, op.mode, op.flags).state, refused: false };
      case 'expunge':
        return { state: ops.expungeMessages(state, op.mailbox, op.uids).state, refused: false };
      case 'move':
        return { state: ops.moveMessages(state, op.from, op.uids, op.to, ctx).state, refused: false };
      case 'copy':
        return { state: ops.copyMessages(state, op.from, op.uids, op.to, ctx).state, refused: false };
      case 'create':
        return { state: ops.createMailbox(state, op.mailbox, ctx).state, refused: false };
      case 'delete':
        return { state: ops.deleteMailbox(state, op.mailbox).state, refused: false };
      case 'rename':
        return { state: ops.renameMailbox(state, op.from, op.to).state, refused: false };
    }
  } catch (error) {
    if (error instanceof MailsimError) return { state, refused: true };
    throw error;
  }
}

/** A deep, comparable snapshot of a state. */
export function snapshot(state: StoreState): unknown {
  return [...state.mailboxes.values()].map((m) => ({ ...m, messages: messagesByUid(m.messages) }));
}
