// Proves Maildir naming: hostile base and mailbox names are refused with HostileNameError, info letters are in ASCII order, keywords map through the table, folders follow Maildir++.
import { describe, it, expect } from 'vitest';
import { HostileNameError } from '../../core/errors.ts';
import {
  extendKeywordTable, flagLetters, flagsFromLetters, folderDirName, mailboxFromDirName, makeBaseName, splitInfo, validateBaseName, validateMailboxName, withInfo,
} from '../../core/names.ts';

function refusal(fn: () => void): HostileNameError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HostileNameError);
    return error as HostileNameError;
  }
  throw new Error('expected a HostileNameError');
}

describe('base names', () => {
  it.each([
    ['a/b', "'/'"],
    ['a:b', "':'"],
    ['a\0b', 'NUL'],
    ['.hidden', "'.'"],
    ['x'.repeat(256), '255 bytes'],
    ['', 'empty'],
  ])('refuses %j (%s)', (name, reason) => {
    const error = refusal(() => validateBaseName(name));
    expect(error.data.kind).toBe('base');
    expect(error.data.reason).toContain(reason === 'NUL' ? 'NUL' : reason === 'empty' ? 'empty' : reason.replace(/'/g, "'"));
  });

  it('accepts a 255-byte name and generated names', () => {
    expect(() => validateBaseName('x'.repeat(255))).not.toThrow();
    expect(makeBaseName(1_764_326_400_123, 7, 'n1')).toBe('1764326400.M123Q7.n1');
  });

  it('generated names differ by counter and by node', () => {
    const names = new Set([makeBaseName(5000, 1, 'a'), makeBaseName(5000, 2, 'a'), makeBaseName(5000, 1, 'b')]);
    expect(names.size).toBe(3);
  });
});

describe('mailbox names', () => {
  it.each([['a..b'], ['a/b'], ['a\0b'], ['..'], ['.Archive'], ['Archive.'], ['../etc'], ['a.  .b'], ['a*'], ['x'.repeat(300)]])('refuses %j', (name) => {
    expect(refusal(() => validateMailboxName(name)).data.kind).toBe('mailbox');
  });

  it('accepts ordinary hierarchies', () => {
    for (const name of ['INBOX', 'Archive', 'Archive.2026', 'Sent Items']) expect(() => validateMailboxName(name)).not.toThrow();
  });

  it('maps to Maildir++ folders and back', () => {
    expect(folderDirName('INBOX')).toBe('');
    expect(folderDirName('Archive.2026')).toBe('.Archive.2026');
    expect(mailboxFromDirName('.Archive.2026')).toBe('Archive.2026');
    expect(mailboxFromDirName('')).toBe('INBOX');
    refusal(() => mailboxFromDirName('..'));
    refusal(() => mailboxFromDirName('cur'));
  });
});

describe('info suffix', () => {
  it('writes flags in ASCII order, keywords as letters of the table', () => {
    const table = extendKeywordTable([], ['$Junk', '\\Seen', '$Label1']);
    expect(table).toEqual(['$Junk', '$Label1']);
    expect(flagLetters(['\\Seen', '\\Draft', '\\Flagged', '\\Answered', '\\Deleted', '$Label1', '$Junk'], table)).toBe('DFRSTab');
    expect(withInfo('base', 'FS')).toBe('base:2,FS');
    expect(splitInfo('base:2,FSa')).toEqual({ base: 'base', letters: 'FSa' });
  });

  it('reads letters back into sorted flags and drops unknown ones', () => {
    expect(flagsFromLetters('DFPRSTab', ['$Junk', '$Label1'])).toEqual(['$Junk', '$Label1', '\\Answered', '\\Deleted', '\\Draft', '\\Flagged', '\\Seen']);
    expect(flagsFromLetters('Sz', [])).toEqual(['\\Seen']);
  });

  it('the keyword table only appends and refuses a 27th keyword', () => {
    const full = Array.from({ length: 26 }, (_, i) => `k${i}`);
    expect(extendKeywordTable(full, ['k3'])).toBe(full);
    expect(() => extendKeywordTable(full, ['k26'])).toThrow(/26 keywords/);
  });
});
