/**
 * The bits of IMAP syntax the driver writes and reads (RFC 3501, UIDPLUS, CONDSTORE, QRESYNC):
 * quoting mailbox names, UID sets, date-times, and a tokenizer for server responses.
 * Responses are handled as latin1 strings, one char per byte, so a literal's `{n}` byte
 * count indexes the string directly; everything this driver reads back is ASCII.
 */
import { HostileNameError } from '../../core/errors.ts';
import { ImapSyntaxError } from './dovecotErrors.ts';

/** An IMAP value: an atom or string, NIL, or a parenthesized list. */
export type ImapValue = string | null | readonly ImapValue[];

/** The largest UID IMAP allows (a non-zero 32-bit number). */
export const IMAP_UID_MAX = 0xffff_ffff;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** A system flag or keyword: ATOM-CHARs, no `]` (RFC 3501 flag-keyword). */
const FLAG = /^\\?[!#$&'+,\-./0-9:;<=>?@A-Z^_`a-z|~]+$/;

/** A mailbox name as a quoted string. Refuses what would need modified UTF-7 or escaping. */
export function quoteMailbox(name: string): string {
  if (name === '') throw new HostileNameError('mailbox', name, 'empty');
  if (!/^[\x20-\x7e]+$/.test(name)) throw new HostileNameError('mailbox', name, 'only printable ASCII is supported (no modified UTF-7)');
  if (/["\\%*]/.test(name)) throw new HostileNameError('mailbox', name, 'quotes, backslashes and the wildcards % * are refused');
  if (name.startsWith('.') || name.endsWith('.') || name.includes('..')) throw new HostileNameError('mailbox', name, 'empty hierarchy level');
  return `"${name}"`;
}

/** A flag list `(\Seen $Junk)`; refuses anything that is not a flag atom. */
export function formatFlags(flags: readonly string[]): string {
  for (const flag of flags) {
    if (!FLAG.test(flag)) throw new ImapSyntaxError(flag, 'not an IMAP flag or keyword');
    if (flag.toLowerCase() === '\\recent') throw new ImapSyntaxError(flag, '\\Recent cannot be stored');
  }
  return `(${flags.join(' ')})`;
}

/** Flags as the driver reports them: without \Recent (session state, not stored), sorted. */
export function normalizeFlags(flags: readonly string[]): string[] {
  return flags.filter((flag) => flag.toLowerCase() !== '\\recent').sort();
}

/** A UID set `1:3,7` for UIDs in any order (duplicates collapse). */
export function formatUidSet(uids: readonly number[]): string {
  const sorted = [...new Set(uids)].sort((x, y) => x - y);
  if (sorted.length === 0) throw new ImapSyntaxError('', 'an empty UID set');
  for (const uid of sorted) if (!Number.isInteger(uid) || uid < 1 || uid > IMAP_UID_MAX) throw new ImapSyntaxError(String(uid), 'not a UID');
  const parts: string[] = [];
  let start = sorted[0]!;
  let end = start;
  for (const uid of [...sorted.slice(1), Number.NaN]) {
    if (uid === end + 1) {
      end = uid;
      continue;
    }
    parts.push(start === end ? `${start}` : `${start}:${end}`);
    start = end = uid;
  }
  return parts.join(',');
}

/** The UIDs of a set as the server wrote it (`3:1,7` allowed), each range ascending. */
export function parseUidSet(set: string): number[] {
  const uids: number[] = [];
  for (const part of set.split(',')) {
    const match = /^(\d+)(?::(\d+))?$/.exec(part);
    if (match === null) throw new ImapSyntaxError(set, 'not a UID set');
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    // `3:1` means 1:3 (RFC 3501); COPYUID pairs its two sets in ascending UID order.
    for (let uid = Math.min(from, to); uid <= Math.max(from, to); uid++) uids.push(uid);
  }
  return uids;
}

/** An INTERNALDATE for APPEND, in UTC; IMAP keeps whole seconds, so milliseconds are dropped. */
export function formatImapDateTime(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new ImapSyntaxError(String(ms), 'not a date');
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `"${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000"`;
}

/** Milliseconds of an INTERNALDATE such as `02-Dec-2026 03:56:47 +0100` (the unquoted value). */
export function parseImapDateTime(text: string): number {
  const match = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  const month = match === null ? -1 : MONTHS.indexOf(match[2]!);
  if (match === null || month < 0) throw new ImapSyntaxError(text, 'not an IMAP date-time');
  const utc = Date.UTC(Number(match[3]), month, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]));
  const offsetMs = (Number(match[8]) * 60 + Number(match[9])) * 60_000 * (match[7] === '-' ? -1 : 1);
  return utc - offsetMs;
}

/** The response code of a status text, `[APPENDUID 38505 3955] APPEND completed` -> APPENDUID and its arguments. */
export function responseCode(text: string): { readonly name: string; readonly args: string[] } | null {
  const match = /^\[([^\]]*)\]/.exec(text.trim());
  if (match === null) return null;
  const [name = '', ...args] = match[1]!.split(' ');
  return { name: name.toUpperCase(), args };
}

function skipSpaces(text: string, pos: number): number {
  while (text[pos] === ' ') pos++;
  return pos;
}

/** Parses one value at `pos`; returns it and the position after it. */
function parseValueAt(text: string, start: number): [ImapValue, number] {
  let pos = skipSpaces(text, start);
  const c = text[pos];
  if (c === '(') {
    const list: ImapValue[] = [];
    pos++;
    for (;;) {
      pos = skipSpaces(text, pos);
      if (pos >= text.length) throw new ImapSyntaxError(text, 'unterminated list');
      if (text[pos] === ')') return [list, pos + 1];
      const [value, next] = parseValueAt(text, pos);
      list.push(value);
      pos = next;
    }
  }
  if (c === '"') {
    let out = '';
    for (pos++; pos < text.length; pos++) {
      const ch = text[pos]!;
      if (ch === '\\') out += text[++pos] ?? '';
      else if (ch === '"') return [out, pos + 1];
      else out += ch;
    }
    throw new ImapSyntaxError(text, 'unterminated quoted string');
  }
  if (c === '{') {
    const match = /^\{(\d+)\+?\}\r\n/.exec(text.slice(pos, pos + 24));
    if (match === null) throw new ImapSyntaxError(text.slice(pos, pos + 24), 'bad literal');
    const from = pos + match[0].length;
    const to = from + Number(match[1]);
    if (to > text.length) throw new ImapSyntaxError(text.slice(pos, pos + 24), 'truncated literal');
    return [text.slice(from, to), to];
  }
  // An atom; a `[` inside it (BODY[HEADER.FIELDS (MESSAGE-ID)]) runs to its `]`, spaces included.
  const from = pos;
  let depth = 0;
  while (pos < text.length) {
    const ch = text[pos]!;
    if (ch === '[') depth++;
    else if (ch === ']') depth--;
    else if (depth === 0 && (ch === ' ' || ch === '(' || ch === ')' || ch === '\r' || ch === '\n')) break;
    pos++;
  }
  if (pos === from) throw new ImapSyntaxError(text.slice(from, from + 24), 'expected a value');
  const atom = text.slice(from, pos);
  return [atom.toUpperCase() === 'NIL' ? null : atom, pos];
}

/** All values of `text` in order (e.g. the rest of a LIST or FETCH response). */
export function parseValues(text: string): ImapValue[] {
  const values: ImapValue[] = [];
  let pos = skipSpaces(text, 0);
  while (pos < text.length) {
    const [value, next] = parseValueAt(text, pos);
    values.push(value);
    pos = skipSpaces(text, next);
  }
  return values;
}

/** `* 3 FETCH (UID 7 FLAGS (\Seen) ...)` -> sequence number and attributes by upper-case name; null for another response. */
export function parseFetch(response: string): { readonly seq: number; readonly attrs: ReadonlyMap<string, ImapValue> } | null {
  const match = /^\* (\d+) FETCH /.exec(response);
  if (match === null) return null;
  const [list] = parseValues(response.slice(match[0].length));
  if (!Array.isArray(list)) throw new ImapSyntaxError(response, 'FETCH without an attribute list');
  const attrs = new Map<string, ImapValue>();
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = list[i];
    if (typeof name !== 'string') throw new ImapSyntaxError(response, 'FETCH attribute name is not an atom');
    attrs.set(name.toUpperCase(), list[i + 1] ?? null);
  }
  return { seq: Number(match[1]), attrs };
}

/** A value that must be a list of atoms (FLAGS), as strings. */
export function atomList(value: ImapValue | undefined, what: string): string[] {
  if (!Array.isArray(value)) throw new ImapSyntaxError(String(value), `${what} is not a list`);
  return value.map((item: ImapValue) => {
    if (typeof item !== 'string') throw new ImapSyntaxError(String(item), `${what} holds a non-atom`);
    return item;
  });
}

/** A value that must be a non-negative integer (UID, RFC822.SIZE), or the single one in a list (MODSEQ (12)). */
export function numberValue(value: ImapValue | undefined, what: string): number {
  const raw = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) throw new ImapSyntaxError(String(raw), `${what} is not a number`);
  return Number(raw);
}
