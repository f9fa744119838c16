// Proves newBindings reports exactly the (mailbox, UIDVALIDITY, UID) -> GUID bindings a new state adds: all of a first state, none of an unchanged one, only the changed messages of a later one, all again under a new UIDVALIDITY.
import { describe, expect, it } from 'vitest';
import { updateMessages } from '../../core/messageMap.ts';
import type { Mailbox, StoreState } from '../../core/state.ts';
import { newBindings } from '../../sim/bindings.ts';
import { mailbox, message } from './checkers/historyBuilder.ts';

const state = (...boxes: Mailbox[]): StoreState => ({ mailboxes: new Map(boxes.map((box) => [box.name, box])) });
const uids = (state: StoreState | null, after: StoreState): string[] => newBindings(state, after).map((b) => `${b.mailbox}/${b.uidValidity}/${b.uid}=${b.guid}`);

describe('newBindings', () => {
  const inbox = mailbox('INBOX', Array.from({ length: 40 }, (_, i) => message(`g${i}`, i + 1)));
  const archive = mailbox('Archive', [message('a1', 1), message('pending', 0)]);
  const first = state(inbox, archive);

  it('reports every visible message of a first state, by UID, and none of an unchanged one', () => {
    expect(uids(null, first)).toEqual([...Array.from({ length: 40 }, (_, i) => `INBOX/1/${i + 1}=g${i}`), 'Archive/1/1=a1']);
    expect(uids(first, first)).toEqual([]);
    expect(uids(first, state(inbox, { ...archive }))).toEqual([]);
  });

  it('reports only a new or renumbered message, and everything again under a new UIDVALIDITY', () => {
    const changed = { ...inbox, messages: updateMessages(inbox.messages, [message('g3', 41), message('new', 42)], []) };
    expect(uids(first, state(changed, archive))).toEqual(['INBOX/1/41=g3', 'INBOX/1/42=new']);
    const reset = { ...inbox, uidValidity: 2 };
    expect(uids(first, state(reset, archive))).toHaveLength(40);
  });
});
