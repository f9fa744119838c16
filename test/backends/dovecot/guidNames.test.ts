import { describe, expect, it } from 'vitest';
import { allMessages } from '../../../core/messageMap.ts';
import type { DovecotMailbox, DovecotMessage } from '../../../backends/dovecot/readState.ts';
import { storeStateOf } from '../../../backends/dovecot/dovecotState.ts';
import { GuidNames, placeKeys } from '../../../backends/dovecot/guidNames.ts';

function record(uid: number, guid: string): DovecotMessage {
  return { uid, guid, flags: [], modseq: uid, sizeBytes: 10, internalDateMs: 0, messageId: `<${guid}@test>` };
}

function inbox(messages: DovecotMessage[]): DovecotMailbox {
  return { name: 'INBOX', uidValidity: 1, uidNext: 100, highestModseq: 100, messages };
}

describe('names of records that share a GUID', () => {
  it('ranks a later record with the same GUID apart from the first', () => {
    expect(placeKeys(['a', 'b', 'a', 'a'])).toEqual(['a', 'b', 'a#2', 'a#3']);
  });

  it('shows a mailbox holding the same bytes twice as two messages, so a duplicate is not hidden', () => {
    const state = storeStateOf([inbox([record(183, 'sha'), record(240, 'sha')])], new GuidNames('cyrus-'));
    const messages = [...allMessages(state.mailboxes.get('INBOX')!.messages)].sort((a, b) => a.uid - b.uid);
    expect(messages.map((m) => [m.uid, m.guid])).toEqual([[183, 'cyrus-1'], [240, 'cyrus-2']]);
    expect(messages.map((m) => m.messageId)).toEqual(['<sha@test>', '<sha@test>']);
  });

  it('keeps the first record\'s name when the later copy is expunged, so nothing looks resurrected', () => {
    const names = new GuidNames('cyrus-');
    storeStateOf([inbox([record(183, 'sha'), record(240, 'sha')])], names);
    const after = storeStateOf([inbox([record(183, 'sha')])], names);
    expect([...allMessages(after.mailboxes.get('INBOX')!.messages)].map((m) => [m.uid, m.guid])).toEqual([[183, 'cyrus-1']]);
  });
});
