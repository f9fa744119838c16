/**
 * A Maildir folder's messages as plain data, and the pure reading of a file name and a
 * message's header. A file is `<unique>:2,<letters>` (the letters are its flags; a program
 * renames the file to change them); the Message-ID names the message across programs whose
 * file names and UIDs differ.
 */
import { flagsFromLetters } from '../../core/names.ts';

export interface MaildirEntry {
  /** cur/ or new/, and the file name. */
  readonly sub: 'cur' | 'new';
  readonly name: string;
  /** The name without its `:2,` info: stable while the flags change. */
  readonly unique: string;
  /** System flags only (keyword letters are left to the programs). */
  readonly flags: readonly string[];
  readonly messageId: string;
  readonly sizeBytes: number;
}

/** Splits `<unique>:2,<letters>`; a name without info has no flags. */
export function splitName(name: string): { unique: string; letters: string } {
  const at = name.indexOf(':2,');
  return at < 0 ? { unique: name, letters: '' } : { unique: name.slice(0, at), letters: name.slice(at + 3) };
}

/** The system flags a file name carries. */
export function flagsOfName(name: string): string[] {
  return flagsFromLetters(splitName(name).letters, []);
}

/** Header bytes read for a Message-ID: headers past this are not looked at. */
export const HEADER_BYTES_MAX = 64 * 1024;

/** The Message-ID header's value (`<...>`), '' when the header part has none. */
export function messageIdOf(body: Uint8Array): string {
  const text = Buffer.from(body.subarray(0, HEADER_BYTES_MAX)).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const header = end < 0 ? text : text.slice(0, end);
  const match = /^message-id:[ \t]*(<[^>\r\n]*>)/im.exec(header);
  return match?.[1] ?? '';
}

/** `name` with its flag letters replaced: system letters in ASCII order, keyword letters kept. */
export function renamedWithFlags(name: string, addLetter: string): string {
  const { unique, letters } = splitName(name);
  const all = [...new Set([...letters, addLetter])].sort().join('');
  return `${unique}:2,${all}`;
}

/** Message-IDs in ascending order, each once per file that holds it. */
export function sortedIds(entries: readonly MaildirEntry[]): string[] {
  return entries.map((e) => e.messageId).sort();
}
