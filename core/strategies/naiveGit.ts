/**
 * Known-bad control `naive-git`: a plain path-level three-way tree merge, as `git merge`
 * (and isomorphic-git's git.merge) does it on the flat layout, with no Maildir knowledge.
 *
 * Every message is the file `<folder>/cur/<guid>:2,<letters>`; its body never changes, so a
 * flag change or a move is a rename, and git sees a rename as a delete plus an add. The merge
 * keeps a path iff the path-level three-way rule says so (present on both, or added on one
 * side, or present on one side and untouched since the base on the other). So:
 * - two concurrent flag changes of one message (`g:2,S` -> `g:2,FS` and `g:2,RS`) merge
 *   "cleanly" into two files: a duplicate message, one copy with each side's flags, and
 *   each side's flag write lost on the other copy;
 * - an expunge against a flag change resurrects the message (the renamed file was added);
 * - a move against a flag change duplicates it across two folders.
 * No path ever conflicts here (a path names its content: same path, same blob), which is why
 * git reports these merges as clean. test/core/strategies.naiveGit.test.ts runs
 * isomorphic-git's own git.merge on the same flat trees (memfs) and gets the same files. The state needs one GUID per message, so the second and
 * later copies of a GUID (in path order) get the derived GUID `<guid>.dup-<hash of the path>` (still a
 * legal base name) and keep the original Message-ID, so checkers see a duplicate.
 * Metadata (the dovecot-uidlist and keywords files) is merged as a union, as a line merge of
 * appended records would give: every file keeps the UID its side gave it, the UIDNEXT and
 * HIGHESTMODSEQ are the larger of both, UIDVALIDITY the larger of both. Keyword letters are
 * read with each side's own table. A folder exists when the three-way rule keeps it or when
 * any merged file lies in it (git has no empty directories, and no notion of a folder delete).
 */
import { createHash } from 'node:crypto';
import { EMPTY_MESSAGE_MAP, updateMessages } from '../messageMap.ts';
import { compareStrings } from '../merge/compare.ts';
import { divergedGuids, type Located } from '../merge/changed.ts';
import type { Mailbox, Message, StoreState } from '../state.ts';
import type { MergeOutcome, UidStrategy } from '../strategy.ts';

const SYSTEM_LETTERS: Readonly<Record<string, string>> = { '\\Draft': 'D', '\\Flagged': 'F', '\\Answered': 'R', '\\Seen': 'S', '\\Deleted': 'T' };

/** The flat-layout path of a message file. */
export function flatPath(mailbox: Mailbox, message: Message): string {
  const letters = message.flags
    .map((flag) => SYSTEM_LETTERS[flag] ?? String.fromCharCode(97 + Math.max(0, mailbox.keywords.indexOf(flag))))
    .sort()
    .join('');
  const folder = mailbox.name === 'INBOX' ? '' : `.${mailbox.name}/`;
  return `${folder}cur/${message.guid}:2,${letters}`;
}

/** The GUID of a duplicate copy: `<guid>.dup-<8 hex of the path>`, a legal base name, stable for that file. */
export function derivedGuid(guid: string, path: string): string {
  return `${guid}.dup-${createHash('sha1').update(path).digest('hex').slice(0, 8)}`;
}

/** git's rule for one path: present on both, or changed (added/deleted) on exactly one side. */
export function pathKept(inBase: boolean, inOurs: boolean, inTheirs: boolean): boolean {
  return inOurs === inTheirs ? inOurs : inBase === inOurs ? inTheirs : inOurs;
}

export function naiveGitMerge(base: StoreState, ours: StoreState, theirs: StoreState): MergeOutcome {
  const { places, touched } = divergedGuids(base, ours, theirs);
  const pathOf = (state: StoreState, located: Located | undefined): string | undefined => {
    const mailbox = located ? state.mailboxes.get(located.mailbox) : undefined;
    return located && mailbox ? flatPath(mailbox, located.message) : undefined;
  };
  const arrivals = new Map<string, Message[]>();
  for (const place of places) {
    const pb = pathOf(base, place.base);
    const po = pathOf(ours, place.ours);
    const pt = pathOf(theirs, place.theirs);
    const kept = [...new Set([pb, po, pt])]
      .filter((p): p is string => p !== undefined && pathKept(p === pb, p === po, p === pt))
      .sort(compareStrings);
    kept.forEach((path, copy) => {
      const sources = [po === path ? place.ours : undefined, pt === path ? place.theirs : undefined].filter((l): l is Located => l !== undefined);
      sources.sort((a, b) => a.message.uid - b.message.uid || b.message.modseq - a.message.modseq);
      const source = sources[0] as Located;
      const message = copy === 0 ? source.message : { ...source.message, guid: derivedGuid(place.guid, path) };
      const list = arrivals.get(source.mailbox);
      if (list) list.push(message);
      else arrivals.set(source.mailbox, [message]);
    });
  }
  const names = new Set<string>();
  for (const name of new Set([...base.mailboxes.keys(), ...ours.mailboxes.keys(), ...theirs.mailboxes.keys()])) {
    if (pathKept(base.mailboxes.has(name), ours.mailboxes.has(name), theirs.mailboxes.has(name)) || arrivals.has(name)) names.add(name);
  }
  const mailboxes = new Map<string, Mailbox>();
  for (const name of [...names].sort(compareStrings)) {
    const sides = [ours.mailboxes.get(name), theirs.mailboxes.get(name)].filter((m): m is Mailbox => m !== undefined);
    const template = sides[0] ?? base.mailboxes.get(name);
    if (!template) continue;
    const puts = arrivals.get(name) ?? [];
    const start = ours.mailboxes.get(name)?.messages ?? theirs.mailboxes.get(name)?.messages ?? EMPTY_MESSAGE_MAP;
    const keywords = new Set(sides.flatMap((m) => m.keywords));
    for (const m of puts) for (const flag of m.flags) if (!flag.startsWith('\\')) keywords.add(flag);
    const strategyData = ours.mailboxes.get(name)?.strategyData ?? theirs.mailboxes.get(name)?.strategyData;
    mailboxes.set(name, {
      name,
      uidValidity: Math.max(...sides.map((m) => m.uidValidity), template.uidValidity),
      uidNext: Math.max(...sides.map((m) => m.uidNext), template.uidNext, ...puts.map((m) => m.uid + 1)),
      highestModseq: Math.max(...sides.map((m) => m.highestModseq), template.highestModseq, ...puts.map((m) => m.modseq)),
      keywords: [...keywords].sort(compareStrings),
      messages: updateMessages(start, puts, touched.get(name) ?? []),
      ...(strategyData ? { strategyData } : {}),
    });
  }
  return { state: { mailboxes }, renumbered: 0, uidValidityChanges: [] };
}

export const naiveGitStrategy: UidStrategy = {
  name: 'naive-git',
  control: true,
  mayResetValidity: false,
  assignsUids: () => true,
  merge: (base, ours, theirs) => naiveGitMerge(base, ours, theirs),
};
