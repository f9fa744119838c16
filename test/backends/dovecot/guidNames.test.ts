import { describe, expect, it } from 'vitest';
import { allMessages } from '../../../core/messageMap.ts';
import type { DovecotMailbox, DovecotMessage } from '../../../backends/dovecot/readState.ts';
import { storeStateOf } from '../../../backends/dovecot/dovecotState.ts';
import { GuidNames } from '../../../backends/dovecot/guidNames.ts';

function record(uid: number, guid: string): DovecotMessage {
  return { uid, guid, flags: [], modseq: uid, sizeBytes: 10, internalDateMs: 0, messageId: `<${guid}@test>` };
}

function inbox(messages: DovecotMessage[]): DovecotMailbox {
  return { name: 'INBOX', uidValidity: 1, uidNext: 100, highestModseq: 100, messages };
}

function shown(names: GuidNames, server: string, records: DovecotMessage[]): [number, string][] {
  const state = storeStateOf([inbox(records)], names, server);
  return [...allMessages(state.mailboxes.get('INBOX')!.messages)].sort((a, b) => a.uid - b.uid).map((m) => [m.uid, m.guid]);
}

describe('names of records that share a GUID', () => {
  it('shows a mailbox holding the same bytes twice as two messages, so a duplicate is not hidden', () => {
    const names = new GuidNames('cyrus-');
    expect(shown(names, 'a', [record(183, 'sha'), record(240, 'sha')])).toEqual([[183, 'cyrus-1'], [240, 'cyrus-2']]);
  });

  it('keeps each record its name when the other copy is expunged, so nothing looks resurrected or renamed', () => {
    const names = new GuidNames('cyrus-');
    shown(names, 'a', [record(183, 'sha'), record(240, 'sha')]);
    expect(shown(names, 'a', [record(240, 'sha')])).toEqual([[240, 'cyrus-2']]);
    const other = new GuidNames('cyrus-');
    shown(other, 'a', [record(183, 'sha'), record(240, 'sha')]);
    expect(shown(other, 'a', [record(183, 'sha')])).toEqual([[183, 'cyrus-1']]);
  });

  it('a renumbered record, or one a peer received, keeps the name of its GUID', () => {
    const names = new GuidNames('cyrus-');
    expect(shown(names, 'c', [record(128, 'm')])).toEqual([[128, 'cyrus-1']]);
    // Split-brain repair: the old record is gone, a new one holds the same bytes at a new UID.
    expect(shown(names, 'c', [record(183, 'm')])).toEqual([[183, 'cyrus-1']]);
    expect(shown(names, 'a', [record(183, 'm')])).toEqual([[183, 'cyrus-1']]);
    // Copied back twice: every server names the two copies alike, in UID order.
    expect(shown(names, 'a', [record(183, 'm'), record(190, 'm')])).toEqual([[183, 'cyrus-1'], [190, 'cyrus-2']]);
    expect(shown(names, 'b', [record(183, 'm'), record(190, 'm')])).toEqual([[183, 'cyrus-1'], [190, 'cyrus-2']]);
  });

  it('a MOVE target keeps the source record\'s name, a COPY target gets a new one', () => {
    const names = new GuidNames('dsync-');
    expect(shown(names, 'a', [record(1, 'g')])).toEqual([[1, 'dsync-1']]);
    names.moved('dsync-1', 'Archive', 'g');
    const state = storeStateOf([{ ...inbox([]), name: 'Archive', messages: [record(1, 'g')] }], names, 'a');
    expect([...allMessages(state.mailboxes.get('Archive')!.messages)].map((m) => m.guid)).toEqual(['dsync-1']);
    names.copied('Sent', 'g');
    const copy = storeStateOf([{ ...inbox([]), name: 'Sent', messages: [record(1, 'g')] }], names, 'a');
    expect([...allMessages(copy.mailboxes.get('Sent')!.messages)].map((m) => m.guid)).toEqual(['dsync-2']);
  });
});
