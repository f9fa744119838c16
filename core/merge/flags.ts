/** The per-flag three-way merge (rules in core/merge/mergeStores.ts and docs/merge-rules.md). */
import type { Message } from '../state.ts';
import { compareStrings, sameList } from './compare.ts';

/** Per-flag three-way merge (see the rules above). */
export function mergeFlagsThreeWay(base: Message | undefined, ours: Message, theirs: Message): readonly string[] {
  if (sameList(ours.flags, theirs.flags)) return ours.flags;
  const all = new Set([...ours.flags, ...theirs.flags, ...(base?.flags ?? [])]);
  const out: string[] = [];
  for (const flag of all) {
    const inOurs = ours.flags.includes(flag);
    const inTheirs = theirs.flags.includes(flag);
    let value: boolean;
    if (inOurs === inTheirs) value = inOurs;
    else if (base !== undefined) value = base.flags.includes(flag) === inOurs ? inTheirs : inOurs;
    else value = ours.modseq === theirs.modseq ? true : ours.modseq > theirs.modseq ? inOurs : inTheirs;
    if (value) out.push(flag);
  }
  return out.sort(compareStrings);
}
