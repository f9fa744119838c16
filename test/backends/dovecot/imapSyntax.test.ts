// Proves the IMAP syntax the Dovecot driver writes and reads, without Dovecot: UID sets, date-times, flag and mailbox refusals, and responses with literals.
import { describe, it, expect } from 'vitest';
import { HostileNameError } from '../../../core/errors.ts';
import { ImapSyntaxError } from '../../../backends/dovecot/dovecotErrors.ts';
import {
  formatFlags, formatImapDateTime, formatUidSet, normalizeFlags, parseFetch, parseImapDateTime, parseUidSet, parseValues, quoteMailbox, responseCode,
} from '../../../backends/dovecot/imapSyntax.ts';
import { messageIdOf } from '../../../backends/dovecot/readState.ts';

const START = Date.UTC(2025, 10, 28, 10, 40);

describe('IMAP syntax', () => {
  it('UID sets compress to ranges and expand back, either way round', () => {
    expect(formatUidSet([7, 1, 2, 3, 3, 9, 10])).toBe('1:3,7,9:10');
    expect(parseUidSet('1:3,7,9:10')).toEqual([1, 2, 3, 7, 9, 10]);
    expect(parseUidSet('12:9')).toEqual([9, 10, 11, 12]);
    expect(() => formatUidSet([])).toThrow(ImapSyntaxError);
    expect(() => formatUidSet([0])).toThrow(ImapSyntaxError);
    expect(() => parseUidSet('1:*')).toThrow(ImapSyntaxError);
  });

  it('INTERNALDATE is written in UTC whole seconds and read with its zone', () => {
    expect(formatImapDateTime(START)).toBe('"28-Nov-2025 10:40:00 +0000"');
    expect(formatImapDateTime(START + 999)).toBe('"28-Nov-2025 10:40:00 +0000"');
    expect(parseImapDateTime('28-Nov-2025 10:40:00 +0000')).toBe(START);
    expect(parseImapDateTime(' 8-Nov-2025 11:40:00 +0100')).toBe(Date.UTC(2025, 10, 8, 10, 40));
    expect(() => parseImapDateTime('yesterday')).toThrow(ImapSyntaxError);
  });

  it('refuses flags and mailbox names it could not send safely', () => {
    expect(formatFlags(['\\Seen', '$Junk'])).toBe('(\\Seen $Junk)');
    for (const bad of ['a b', 'x)', '\\Recent', '']) expect(() => formatFlags([bad])).toThrow(ImapSyntaxError);
    expect(quoteMailbox('Archive.2026')).toBe('"Archive.2026"');
    for (const bad of ['', 'a"b', 'a\\b', 'Bo*x', 'Caf\u00e9', 'a\r\nb', '.x', 'a..b']) expect(() => quoteMailbox(bad)).toThrow(HostileNameError);
    expect(normalizeFlags(['\\Seen', '\\Recent', '$Junk', '\\Flagged'])).toEqual(['$Junk', '\\Flagged', '\\Seen']);
  });

  it('reads response codes and FETCH responses with literals and bracketed sections', () => {
    expect(responseCode('[COPYUID 38505 304,319:320 3956:3958] Done')).toEqual({ name: 'COPYUID', args: ['38505', '304,319:320', '3956:3958'] });
    expect(responseCode('Done')).toBeNull();
    const line = '* 4 FETCH (UID 9 X-GUID 1796.M1P2.vm,S=43,W=43 FLAGS (\\Seen \\Recent) MODSEQ (12) INTERNALDATE "28-Nov-2025 10:40:00 +0000" BODY[HEADER.FIELDS (MESSAGE-ID)] {21}\r\nMessage-ID: <a@b>\r\n\r\n)';
    const fetch = parseFetch(line);
    expect(fetch?.seq).toBe(4);
    expect(fetch?.attrs.get('UID')).toBe('9');
    expect(fetch?.attrs.get('X-GUID')).toBe('1796.M1P2.vm,S=43,W=43');
    expect(fetch?.attrs.get('FLAGS')).toEqual(['\\Seen', '\\Recent']);
    expect(fetch?.attrs.get('MODSEQ')).toEqual(['12']);
    expect(fetch?.attrs.get('BODY[HEADER.FIELDS (MESSAGE-ID)]')).toBe('Message-ID: <a@b>\r\n\r\n');
    expect(parseFetch('* 4 EXISTS')).toBeNull();
    expect(parseValues('(\\HasNoChildren) "." "Archive.2026"')).toEqual([['\\HasNoChildren'], '.', 'Archive.2026']);
    expect(parseValues('() NIL INBOX')).toEqual([[], null, 'INBOX']);
  });

  it('reads a Message-ID header, folded or missing', () => {
    expect(messageIdOf('Message-ID: <a@b>\r\n\r\n')).toBe('<a@b>');
    expect(messageIdOf('Message-Id:\r\n <folded@b>\r\n\r\n')).toBe('<folded@b>');
    expect(messageIdOf('\r\n')).toBeNull();
  });
});
