/**
 * Maildir names: unique base names, the `:2,` info suffix with flag letters, keyword letters
 * through a per-mailbox keyword table (as in `dovecot-keywords`), Maildir++ folder names, and
 * the validation that refuses hostile names before they reach a path.
 *
 * Names are restricted to printable ASCII, so JavaScript string order equals git's byte order.
 */
import { HostileNameError, ImapNoError } from './errors.ts';
import { SYSTEM_FLAGS } from './state.ts';

/** Longest base name or file name a Maildir (and most filesystems) accepts. */
export const NAME_BYTES_MAX = 255;
/** Keyword letters are a..z, as in Dovecot's Maildir filenames. */
export const KEYWORDS_MAX = 26;
/** Longest keyword atom accepted. */
export const KEYWORD_LENGTH_MAX = 64;

/** System flag -> Maildir info letter. P (Passed) has no IMAP flag and is never written. */
const FLAG_LETTERS: ReadonlyMap<string, string> = new Map([
  ['\\Draft', 'D'],
  ['\\Flagged', 'F'],
  ['\\Answered', 'R'],
  ['\\Seen', 'S'],
  ['\\Deleted', 'T'],
]);
const LETTER_FLAGS: ReadonlyMap<string, string> = new Map([...FLAG_LETTERS].map(([flag, letter]) => [letter, flag]));

export function isSystemFlag(flag: string): boolean {
  return (SYSTEM_FLAGS as readonly string[]).includes(flag);
}

/** Throws HostileNameError unless `base` is a safe Maildir base name. */
export function validateBaseName(base: string): void {
  const refuse = (reason: string): never => {
    throw new HostileNameError('base', base, reason);
  };
  if (base.length === 0) refuse('empty');
  if (base.includes('\0')) refuse('contains NUL');
  if (base.includes('/')) refuse("contains '/'");
  if (base.includes(':')) refuse("contains ':'");
  if (base.startsWith('.')) refuse("starts with '.'");
  if (Buffer.byteLength(base, 'utf8') > NAME_BYTES_MAX) refuse(`longer than ${NAME_BYTES_MAX} bytes`);
  if (!/^[\x21-\x7e]+$/.test(base)) refuse('not printable ASCII');
}

/** Throws HostileNameError unless `name` is a safe IMAP mailbox name ('.' is the hierarchy separator). */
export function validateMailboxName(name: string): void {
  const refuse = (reason: string): never => {
    throw new HostileNameError('mailbox', name, reason);
  };
  if (name.length === 0) refuse('empty');
  if (name.includes('\0')) refuse('contains NUL');
  if (name.includes('/') || name.includes('\\')) refuse('contains a path separator');
  if (name.includes('..')) refuse("contains '..'");
  if (name.startsWith('.') || name.endsWith('.')) refuse('empty hierarchy component');
  if (/[*%]/.test(name)) refuse('contains an IMAP wildcard');
  if (!/^[\x20-\x7e]+$/.test(name)) refuse('not printable ASCII');
  if (Buffer.byteLength(folderDirName(name), 'utf8') > NAME_BYTES_MAX) refuse(`longer than ${NAME_BYTES_MAX} bytes`);
  for (const part of name.split('.')) if (part.trim() === '' || part === '..') refuse('component escapes the root');
}

/** Maildir++ folder directory for a mailbox: '' for INBOX (the root), '.Name' otherwise. */
export function folderDirName(mailbox: string): string {
  return mailbox === 'INBOX' ? '' : `.${mailbox}`;
}

/** The mailbox a Maildir++ folder directory holds ('.Archive.2026' -> 'Archive.2026'); validates it. */
export function mailboxFromDirName(dir: string): string {
  if (dir === '') return 'INBOX';
  if (!dir.startsWith('.')) throw new HostileNameError('mailbox', dir, "folder name does not start with '.'");
  const name = dir.slice(1);
  validateMailboxName(name);
  return name;
}

/** Throws ImapNoError unless `flag` is a storable system flag or keyword atom. */
export function validateFlag(flag: string): void {
  if (flag.startsWith('\\')) {
    if (!isSystemFlag(flag)) throw new ImapNoError('STORE', `unknown system flag ${flag}`);
    return;
  }
  if (flag.length === 0 || flag.length > KEYWORD_LENGTH_MAX || !/^[\x21-\x7e]+$/.test(flag) || /[(){%*"\]]/.test(flag)) {
    throw new ImapNoError('STORE', `invalid keyword ${JSON.stringify(flag)}`);
  }
}

/** Sorted by code unit, without duplicates (the form Message.flags uses). */
export function normalizeFlags(flags: Iterable<string>): string[] {
  return [...new Set(flags)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The keyword table after adding every keyword in `flags` that it lacks (appended, never reordered). */
export function extendKeywordTable(table: readonly string[], flags: readonly string[]): readonly string[] {
  const missing = flags.filter((flag) => !flag.startsWith('\\') && !table.includes(flag));
  if (missing.length === 0) return table;
  const next = [...table, ...new Set(missing)];
  if (next.length > KEYWORDS_MAX) throw new ImapNoError('STORE', `more than ${KEYWORDS_MAX} keywords in one mailbox`);
  return next;
}

/** The letters after `:2,`: system letters then keyword letters, in ASCII order. */
export function flagLetters(flags: readonly string[], keywords: readonly string[]): string {
  const letters: string[] = [];
  for (const flag of flags) {
    const system = FLAG_LETTERS.get(flag);
    if (system !== undefined) {
      letters.push(system);
      continue;
    }
    const index = keywords.indexOf(flag);
    if (index < 0 || index >= KEYWORDS_MAX) throw new Error(`assertion failed: keyword ${flag} missing from the table`);
    letters.push(String.fromCharCode(97 + index));
  }
  return letters.sort().join('');
}

/** The flags named by info letters; unknown letters (P, or a keyword letter past the table) are dropped. */
export function flagsFromLetters(letters: string, keywords: readonly string[]): string[] {
  const flags: string[] = [];
  for (const letter of letters) {
    const system = LETTER_FLAGS.get(letter);
    if (system !== undefined) flags.push(system);
    else if (letter >= 'a' && letter <= 'z') {
      const keyword = keywords[letter.charCodeAt(0) - 97];
      if (keyword !== undefined) flags.push(keyword);
    }
  }
  return normalizeFlags(flags);
}

/** `<base>:2,<letters>` */
export function withInfo(base: string, letters: string): string {
  return `${base}:2,${letters}`;
}

/** Splits `<base>:2,<letters>`; a name without info gets ''. */
export function splitInfo(fileName: string): { base: string; letters: string } {
  const at = fileName.lastIndexOf(':2,');
  if (at < 0) return { base: fileName, letters: '' };
  return { base: fileName.slice(0, at), letters: fileName.slice(at + 3) };
}

/**
 * A unique base name in `time.deliveryid.host` style: seconds, then `M<ms>Q<counter>`,
 * then the node. The counter is the replica's own, persisted across restarts.
 */
export function makeBaseName(timeMs: number, counter: number, node: string): string {
  const seconds = Math.floor(timeMs / 1000);
  const ms = timeMs - seconds * 1000;
  const base = `${seconds}.M${ms}Q${counter}.${node}`;
  validateBaseName(base);
  return base;
}

/** Throws HostileNameError unless `node` can appear in base names and git identities. */
export function validateNodeName(node: string): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(node)) throw new HostileNameError('base', node, 'node name must be 1-64 of [A-Za-z0-9_-]');
}
