/** The per-flag three-way merge (rules in core/merge/mergeStores.ts and docs/merge-rules.md). */
import type { Message } from '../state.ts';
import { NO_PROBES, type ProbeSink } from '../probes.ts';
import { compareStrings, sameList } from './compare.ts';

/** Per-flag three-way merge (see the rules above). `ctx.probes` only counts the rare paths. */
export function mergeFlagsThreeWay(base: Message | undefined, ours: Message, theirs: Message, ctx: { readonly probes?: ProbeSink } = {}): readonly string[] {
  if (sameList(ours.flags, theirs.flags)) return ours.flags;
  const probes = ctx.probes ?? NO_PROBES;
  const all = new Set([...ours.flags, ...theirs.flags, ...(base?.flags ?? [])]);
  const out: string[] = [];
  for (const flag of all) {
    const inOurs = ours.flags.includes(flag);
    const inTheirs = theirs.flags.includes(flag);
    let value: boolean;
    if (inOurs === inTheirs) value = inOurs;
    else if (base !== undefined) {
      const changedOurs = base.flags.includes(flag) !== inOurs;
      value = changedOurs ? inOurs : inTheirs;
      if (wroteBackToBase(base, changedOurs ? theirs : ours)) probes.hit('flag-add-remove-race');
    } else {
      value = ours.modseq === theirs.modseq ? true : ours.modseq > theirs.modseq ? inOurs : inTheirs;
      probes.hit('flag-without-base');
    }
    if (value) out.push(flag);
  }
  return out.sort(compareStrings);
}

/**
 * The side that kept the base's value of a flag the other side changed, yet wrote the message's
 * flags since the base (its MODSEQ moved under the same UID: neither moved nor renumbered) and
 * holds the base's flags again: an add and a remove of a flag there, concurrent with the other
 * side's change (the anomaly in docs/merge-rules.md).
 */
function wroteBackToBase(base: Message, kept: Message): boolean {
  return kept.uid === base.uid && kept.modseq !== base.modseq && sameList(kept.flags, base.flags);
}
