/**
 * What the replica reads from a message body: its Message-ID header. Bodies are otherwise
 * opaque, immutable blobs.
 */

/** Headers longer than this are not scanned (a body without a blank line is all header). */
export const HEADER_SCAN_BYTES_MAX = 64 * 1024;

/** The unfolded, trimmed value of the first Message-ID header ('' when there is none). */
export function messageIdOf(body: Uint8Array): string {
  const text = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, HEADER_SCAN_BYTES_MAX)).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const header = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  for (const line of header.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === 'message-id') return detached(line.slice(colon + 1).trim());
  }
  return '';
}

/**
 * The same characters in a string of their own. V8 may keep a slice as a view of the string it
 * was cut from, so a Message-ID kept in a message's state would keep its whole decoded body
 * alive: 20 MB for the 10,000 bodies of a bench cluster population.
 */
function detached(value: string): string {
  return Buffer.from(value, 'latin1').toString('latin1');
}
