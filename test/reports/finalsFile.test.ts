// Proves the finals file's shape: mailboxes by name, messages by UID one a line, system flags apart from keywords, Dovecot's missing head as null, and text that parses back to the document.
import { describe, expect, it } from 'vitest';
import { messageMapFrom } from '../../core/messageMap.ts';
import type { Mailbox, Message } from '../../core/state.ts';
import type { FinalReplica } from '../../sim/checkers/types.ts';
import { finalsDocument, finalsText } from '../../reports/finalsFile.ts';

const ORIGIN = { mailsimVersion: '9.9.9', scenario: 's.yaml', seed: 4, historyHash: 'ab' };

function message(uid: number, guid: string, flags: string[]): Message {
  return { guid, uid, flags, modseq: uid + 10, internalDateMs: 0, sizeBytes: 100, blobId: '0'.repeat(40), messageId: `<${guid}@t>` };
}

function mailbox(name: string, messages: Message[]): Mailbox {
  return { name, uidValidity: 7, uidNext: 50, highestModseq: 99, keywords: [], messages: messageMapFrom(messages) };
}

function replica(node: string, head: string, mailboxes: Mailbox[], ownModseqs?: boolean): FinalReplica {
  return { node, head, treeId: 't', state: { mailboxes: new Map(mailboxes.map((m) => [m.name, m])) }, ...(ownModseqs === undefined ? {} : { ownModseqs }) };
}

describe('the finals file', () => {
  const finals = [
    replica('b', 'c0ffee', [mailbox('Sent', []), mailbox('INBOX', [message(9, 'g9', ['$Junk', '\\Seen']), message(2, 'g2', []), message(0, 'g0', ['\\Flagged'])])]),
    replica('a', '', [mailbox('INBOX', [])], true),
  ];

  it('keeps the replicas in run order, sorts mailboxes by name and messages by UID, and splits system flags from keywords', () => {
    const document = finalsDocument(finals, ORIGIN);
    expect(document).toMatchObject({ format: 'mailsim-finals/1', ...ORIGIN });
    expect(document.replicas.map((r) => [r.node, r.head, r.ownModseqs])).toEqual([['b', 'c0ffee', false], ['a', null, true]]);
    const [inbox, sent] = document.replicas[0]?.mailboxes ?? [];
    expect(sent).toEqual({ name: 'Sent', uidValidity: 7, uidNext: 50, highestModseq: 99, messages: [] });
    expect(inbox?.messages).toEqual([
      { uid: 0, guid: 'g0', messageId: '<g0@t>', flags: ['\\Flagged'], keywords: [], modseq: 10 },
      { uid: 2, guid: 'g2', messageId: '<g2@t>', flags: [], keywords: [], modseq: 12 },
      { uid: 9, guid: 'g9', messageId: '<g9@t>', flags: ['\\Seen'], keywords: ['$Junk'], modseq: 19 },
    ]);
  });

  it('writes indented JSON with one message a line that parses back to the document', () => {
    const document = finalsDocument(finals, ORIGIN);
    const text = finalsText(document);
    expect(JSON.parse(text)).toEqual(document);
    expect(text.endsWith('}\n')).toBe(true);
    const messageLines = text.split('\n').filter((line) => line.includes('"guid"'));
    expect(messageLines).toHaveLength(3);
    for (const line of messageLines) expect(line.trim()).toMatch(/^\{"uid":\d+,"guid":.*"modseq":\d+\},?$/);
    expect(text).toContain('\n          "messages": []');
  });
});
