// Proves the pure parts of the real-client driver: file names and headers read as a mail program writes them, the server diff (flags, expunges, uploads) and the local holdings keyed by Message-ID, and how a program's exit is read.
import { describe, expect, it } from 'vitest';
import { clientArgs, configText, syncStatus, wordsOf } from '../../../backends/realClients/clientPrograms.ts';
import { flagsOfName, messageIdOf, renamedWithFlags, splitName, type MaildirEntry } from '../../../backends/realClients/maildirEntries.ts';
import { compareHoldings, diffServer, type ExportedMessage } from '../../../backends/realClients/syncDiff.ts';

const entry = (unique: string, messageId: string, flags: string[] = [], sizeBytes = 100): MaildirEntry => ({ sub: 'cur', name: `${unique}:2,`, unique, flags, messageId, sizeBytes });
const exported = (uid: number, messageId: string, flags: string[] = []): ExportedMessage => ({ unique: `g${uid},S=100`, uid, guid: `g${uid}`, messageId, flags });

describe('Maildir names and headers', () => {
  it('splits a name at its info and reads system flags from the letters', () => {
    expect(splitName('1796653380.5629_1.vm,U=1:2,FS')).toEqual({ unique: '1796653380.5629_1.vm,U=1', letters: 'FS' });
    expect(splitName('new-file')).toEqual({ unique: 'new-file', letters: '' });
    expect(flagsOfName('x:2,FRSa')).toEqual(['\\Answered', '\\Flagged', '\\Seen']);
  });

  it('renames with a flag added, letters in order, keywords kept', () => {
    expect(renamedWithFlags('x,U=3:2,Sa', 'F')).toBe('x,U=3:2,FSa');
    expect(renamedWithFlags('x,U=3:2,', 'S')).toBe('x,U=3:2,S');
    expect(renamedWithFlags('x,U=3:2,S', 'S')).toBe('x,U=3:2,S');
  });

  it('reads the Message-ID from the header only', () => {
    const body = new TextEncoder().encode('Subject: a\r\nMessage-ID: <m1@x>\r\n\r\nMessage-ID: <body@x>\r\n');
    expect(messageIdOf(body)).toBe('<m1@x>');
    expect(messageIdOf(new TextEncoder().encode('Subject: a\r\n\r\nMessage-ID: <body@x>\r\n'))).toBe('');
  });
});

describe('diffServer', () => {
  it('finds flag changes, expunges and uploads by the export file names', () => {
    const before = [exported(1, '<a>', ['\\Seen']), exported(2, '<b>'), exported(3, '<c>')];
    const after = [entry('g1,S=100', '<a>', []), entry('g2,S=100', '<b>', ['\\Flagged']), entry('1799.M1P2.host,S=90', '<c>', ['\\Seen'])];
    const diff = diffServer(before, after);
    expect(diff.flags).toEqual([
      { uid: 1, guid: 'g1', messageId: '<a>', added: [], removed: ['\\Seen'] },
      { uid: 2, guid: 'g2', messageId: '<b>', added: ['\\Flagged'], removed: [] },
    ]);
    expect(diff.expunged).toEqual([{ uid: 3, guid: 'g3', messageId: '<c>' }]);
    expect(diff.appended.map((e) => e.messageId)).toEqual(['<c>']);
  });

  it('finds nothing when nothing changed', () => {
    expect(diffServer([exported(1, '<a>')], [entry('g1,S=100', '<a>')])).toEqual({ flags: [], expunged: [], appended: [] });
  });
});

describe('compareHoldings', () => {
  it('reports missing, extra and doubled Message-IDs and the bytes downloaded again', () => {
    const before = [entry('l1', '<a>'), entry('l2', '<b>')];
    const after = [entry('l1', '<a>'), entry('l3', '<b>', [], 700), entry('l4', '<b>', [], 50), entry('l5', '<z>')];
    const server = [entry('g1', '<a>'), entry('g2', '<b>'), entry('g3', '<c>')];
    expect(compareHoldings(before, after, server)).toEqual({ missing: ['<c>'], extra: ['<z>'], localDuplicates: ['<b>'], redownloadBytes: 750 });
  });

  it('counts new mail as no redownload', () => {
    expect(compareHoldings([], [entry('l1', '<a>')], [entry('g1', '<a>')]).redownloadBytes).toBe(0);
  });
});

describe('client programs', () => {
  it('reads an exit: 0 ok, non-zero refused, a timeout, a signal or a stack trace failed', () => {
    const exit = { exitCode: 0, signal: null, timedOut: false, output: '' };
    expect(syncStatus(exit)).toBe('ok');
    expect(syncStatus({ ...exit, exitCode: 1 })).toBe('refused');
    expect(syncStatus({ ...exit, exitCode: null, timedOut: true })).toBe('failed');
    expect(syncStatus({ ...exit, exitCode: null, signal: 'SIGSEGV' })).toBe('failed');
    expect(syncStatus({ ...exit, exitCode: 1, output: 'Traceback (most recent call last):\n  File' })).toBe('failed');
  });

  it('keeps the program\'s own words, without Dovecot\'s log lines, and only their end', () => {
    expect(wordsOf('Notice: conflicting changes in (7,7)\r\nimap(test)<12><x>: Info: Disconnected\n')).toBe('Notice: conflicting changes in (7,7)');
    expect(wordsOf('x'.repeat(1000)).length).toBeLessThan(700);
  });

  it('configures one INBOX channel through the tunnel', () => {
    const paths = { dir: '/t/c', mail: '/t/c/mail', rc: '/t/c/rc' };
    expect(configText('mbsync', paths, 'T')).toContain('Tunnel "T"');
    expect(configText('mbsync', paths, 'T')).toContain('Expunge Both');
    expect(configText('offlineimap', paths, 'T')).toContain('preauthtunnel = T');
    expect(clientArgs('mbsync', paths)).toEqual(['-c', '/t/c/rc', 'inbox']);
    expect(clientArgs('offlineimap', paths)).toEqual(['-c', '/t/c/rc', '-o', '-u', 'basic']);
  });
});
