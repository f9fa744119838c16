/**
 * keyword-set: Jepsen's set-full over message keywords, judged from what clients wrote and
 * read and the final states alone (no vector clock, nothing a backend keeps). Clients add
 * written keywords (`$w<n>`, sim/writtenKeywords.ts) that no other add can set on the same
 * message, and remove only written keywords they read there. So every acknowledged add (a
 * '+' STORE that answered ok with the message's new flags) must be on the message, on every
 * final replica that holds it, unless:
 * - a '-' STORE of that keyword on that message was acknowledged or is in doubt (a client
 *   that read it removed it: with unique adds, the read followed the add);
 * - a '=' STORE on that message that does not name the keyword completed after the add was
 *   invoked (it may have overwritten a keyword its client never read; one that completed
 *   before the add was invoked ran before the keyword existed, so it cannot have removed it);
 * - an acknowledged expunge removed the message (on a replica without the message, an
 *   expunge in doubt excuses it too).
 * Messages are found by GUID in any mailbox, so a move is followed; a copy is a message of its own.
 * An add in doubt (info, or ok without new flags: the UID may have named no message) is not
 * judged. A replica without the message and no expunge of it counts as a loss.
 *
 * Stable latency, as set-full reports it: from the add's acknowledgement to the first read
 * (a SELECT's FETCH that listed the message, after the acknowledgement) that saw the keyword
 * and after which no read missed it. Reads list a message only when it changed since the
 * client's last read (CONDSTORE), so the figure includes the wait for the next read; an add
 * no read saw after its acknowledgement counts as unobserved.
 */
import { quantile } from '../metrics.ts';
import type { StoreValue } from '../historyTypes.ts';
import type { CheckResult } from '../resultTypes.ts';
import { isWrittenKeyword } from '../writtenKeywords.ts';
import { clientOps, locateAll, opsOf, removals, type ClientOpOf, type Removal } from './historyView.ts';
import type { CheckInput } from './types.ts';
import { unknownResult, Violations } from './violations.ts';

/** One acknowledged add of a written keyword to one message. */
interface KeywordAdd {
  readonly guid: string;
  readonly keyword: string;
  readonly invokeIndex: number;
  readonly index: number;
  readonly ackMs: number;
}

/** A '=' STORE: which flags it named, and when it completed. */
interface Overwrite {
  readonly named: ReadonlySet<string>;
  readonly index: number;
}

/** One read of a message's flags in a SELECT. */
interface Sighting {
  readonly index: number;
  readonly timeMs: number;
  readonly flags: readonly string[];
}

interface Excuses {
  /** `${guid} ${keyword}` removed by a '-' STORE (ok or in doubt). */
  readonly removed: ReadonlySet<string>;
  readonly overwrites: ReadonlyMap<string, readonly Overwrite[]>;
  /** GUIDs an acknowledged expunge removed, and those an expunge in doubt may have removed. */
  readonly expunged: ReadonlySet<string>;
  readonly mayBeExpunged: ReadonlySet<string>;
}

const key = (guid: string, keyword: string): string => `${guid} ${keyword}`;
const JUDGED_WHAT = 'acknowledged keyword adds';

export function checkKeywordSet(input: CheckInput): CheckResult {
  if (input.finals.length === 0) return unknownResult('no final replica states to check', { count: 0, what: JUDGED_WHAT });
  const ops = clientOps(input.history);
  const stores = opsOf(ops, 'store');
  const { adds, inDoubt } = keywordAdds(stores);
  const excuses = excusesOf(stores, removals(ops));
  const located = input.finals.map((final) => ({ node: final.node, where: locateAll(final.state) }));
  const sightings = sightingsOf(opsOf(ops, 'select'));
  const violations = new Violations();
  const latenciesMs: number[] = [];
  let judged = 0;
  let excused = 0;
  let unobserved = 0;
  for (const add of adds) {
    if (isExcused(add, excuses)) {
      excused++;
      continue;
    }
    judged++;
    let lost = false;
    for (const { node, where } of located) {
      const places = where.get(add.guid) ?? [];
      if (places.length === 0 && !excuses.mayBeExpunged.has(add.guid)) {
        lost = true;
        violations.add([add.index], `${add.guid} ${add.keyword}, added at record ${add.index}, is gone from ${node} with the whole message, which no client expunged`);
      }
      for (const { mailbox, message } of places) {
        if (message.flags.includes(add.keyword)) continue;
        lost = true;
        violations.add([add.index], `${add.guid} ${add.keyword}, added at record ${add.index} and never removed by a client that read it, is missing in ${mailbox.name} on ${node}`);
      }
    }
    if (lost) continue;
    const latencyMs = stableLatencyMs(add, sightings.get(add.guid) ?? []);
    if (latencyMs === null) unobserved++;
    else latenciesMs.push(latencyMs);
  }
  latenciesMs.sort((a, b) => a - b);
  const costs: Record<string, number> = { keywordAddsExcused: excused, keywordAddsInDoubt: inDoubt, keywordAddsUnobserved: unobserved };
  const p50 = quantile(latenciesMs, 0.5);
  const p95 = quantile(latenciesMs, 0.95);
  const max = latenciesMs.at(-1);
  if (p50 !== null && p95 !== null && max !== undefined) Object.assign(costs, { stableLatencyMsP50: p50, stableLatencyMsP95: p95, stableLatencyMsMax: max });
  const latency = p50 === null ? 'no read saw one after its acknowledgement' : `stable in reads after p50 ${p50} ms, p95 ${p95} ms, max ${max} ms (${latenciesMs.length} observed, ${unobserved} unobserved)`;
  const valid = `${judged} acknowledged keyword adds judged, each on every final replica holding its message (${excused} more excused by a removal or an expunge, ${inDoubt} in doubt, not judged); ${latency}`;
  return violations.result('(acknowledged keyword add, replica) pairs lost', { count: judged, what: JUDGED_WHAT }, valid, costs);
}

/** Acknowledged adds of written keywords, and how many adds are in doubt (not judged). */
function keywordAdds(stores: readonly ClientOpOf<'store'>[]): { adds: KeywordAdd[]; inDoubt: number } {
  const adds: KeywordAdd[] = [];
  let inDoubt = 0;
  for (const op of stores) {
    const { mode, guid, flags, flagsAfter } = op.value;
    if (mode !== '+' || op.outcome === 'fail' || typeof guid !== 'string' || !Array.isArray(flags)) continue;
    const written = flags.filter(isWrittenKeyword);
    if (op.outcome !== 'ok' || !Array.isArray(flagsAfter)) {
      inDoubt += written.length;
      continue;
    }
    for (const keyword of written) adds.push({ guid, keyword, invokeIndex: op.invokeIndex ?? op.index, index: op.index, ackMs: op.timeMs });
  }
  return { adds, inDoubt };
}

function excusesOf(stores: readonly ClientOpOf<'store'>[], expunges: readonly Removal[]): Excuses {
  const removed = new Set<string>();
  const overwrites = new Map<string, Overwrite[]>();
  for (const op of stores) {
    const { mode, guid, flags } = op.value as Partial<StoreValue>;
    if (op.outcome === 'fail' || typeof guid !== 'string' || !Array.isArray(flags)) continue;
    if (mode === '-') for (const flag of flags) removed.add(key(guid, flag));
    if (mode === '=') overwrites.set(guid, [...(overwrites.get(guid) ?? []), { named: new Set(flags), index: op.index }]);
  }
  const expunged = new Set<string>();
  const mayBeExpunged = new Set<string>();
  for (const { op, guids } of expunges) {
    for (const guid of guids) {
      mayBeExpunged.add(guid);
      if (op.outcome === 'ok') expunged.add(guid);
    }
  }
  return { removed, overwrites, expunged, mayBeExpunged };
}

function isExcused(add: KeywordAdd, excuses: Excuses): boolean {
  if (excuses.expunged.has(add.guid) || excuses.removed.has(key(add.guid, add.keyword))) return true;
  return (excuses.overwrites.get(add.guid) ?? []).some((o) => o.index > add.invokeIndex && !o.named.has(add.keyword));
}

/** GUID -> every read of its flags, in history order. */
function sightingsOf(selects: readonly ClientOpOf<'select'>[]): Map<string, Sighting[]> {
  const out = new Map<string, Sighting[]>();
  for (const op of selects) {
    if (op.outcome !== 'ok' || !Array.isArray(op.value.messages)) continue;
    for (const seen of op.value.messages) {
      if (typeof seen?.guid !== 'string' || !Array.isArray(seen.flags)) continue;
      const list = out.get(seen.guid) ?? [];
      list.push({ index: op.index, timeMs: op.timeMs, flags: seen.flags });
      out.set(seen.guid, list);
    }
  }
  return out;
}

/** From the acknowledgement to the first read after which every read saw the keyword; null when no read saw it. */
function stableLatencyMs(add: KeywordAdd, sightings: readonly Sighting[]): number | null {
  const after = sightings.filter((s) => s.index > add.index);
  let lastMiss = -1;
  after.forEach((s, i) => {
    if (!s.flags.includes(add.keyword)) lastMiss = i;
  });
  const stable = after[lastMiss + 1];
  return stable === undefined ? null : Math.max(0, stable.timeMs - add.ackMs);
}
