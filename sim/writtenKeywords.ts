/**
 * The keywords IMAP clients write for the keyword-set checker (sim/checkers/keywordSet.ts),
 * Jepsen's set-full applied to flags: `$w<n>`, each added to a given message at most once in
 * a run, so an acknowledged add is an element nobody else can add, and a later absence is a
 * loss unless a client that read the keyword removed it.
 *
 * Why names repeat across messages: a Maildir folder names its keywords by the letters a-z
 * (`dovecot-keywords`, KEYWORDS_MAX in core/names.ts), its keyword table only grows, and a
 * MOVE or COPY carries keywords into the target's table. Run-wide unique names would fill every
 * table after 26 writes, on the reference replica and on real Dovecot alike. So the names come
 * from a pool of at most `WRITTEN_KEYWORDS_MAX`, and uniqueness holds per (message, keyword):
 * client i of n owns the names `$w<k>` with k mod n = i (no two clients add the same name), and
 * a client adds one of its names to a message only if it never added it there and never read it
 * there (a copy inherits its source's keywords). The pool leaves `KEYWORD_TABLE_SPARE` letters
 * free besides the workload's own keywords.
 */
import { KEYWORDS_MAX } from '../core/names.ts';

/** Most distinct `$w<n>` names in one run. */
export const WRITTEN_KEYWORDS_MAX = 16;
/** Keyword letters left free for keywords nobody in the simulator chose (a real server's own). */
export const KEYWORD_TABLE_SPARE = 4;

const WRITTEN_KEYWORD = /^\$w(0|[1-9][0-9]*)$/;

/** The name of the n-th written keyword: an IMAP atom that Dovecot also stores as a keyword. */
export function writtenKeyword(n: number): string {
  return `$w${n}`;
}

export function isWrittenKeyword(flag: string): boolean {
  return WRITTEN_KEYWORD.test(flag);
}

/** How many `$w<n>` names a run may use, given the workload's own keywords. */
export function writtenKeywordCount(workloadKeywords: number): number {
  return Math.max(0, Math.min(WRITTEN_KEYWORDS_MAX, KEYWORDS_MAX - KEYWORD_TABLE_SPARE - workloadKeywords));
}

/** The names client `clientIndex` of `clientCount` may add (none for a client past the pool). */
export function ownedKeywords(clientIndex: number, clientCount: number, workloadKeywords: number): string[] {
  const names: string[] = [];
  for (let n = clientIndex; n < writtenKeywordCount(workloadKeywords); n += Math.max(1, clientCount)) names.push(writtenKeyword(n));
  return names;
}
