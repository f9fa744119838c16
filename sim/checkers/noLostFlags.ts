/**
 * no-lost-flags: for each (message, flag), the final value on every replica equals the
 * value written by the causally last writes to it. Causality comes from the history alone
 * (./historyCausality.ts: what clients wrote and read), never from a clock a backend keeps.
 * The verdict is judged only where it is settled: the causally last writes agree on a value,
 * and every write of the other value happened before each of them. Where an add and a
 * remove were concurrent with a causally last write (docs/merge-rules.md: a state-based
 * merge sees only net changes), either value is fine. A store of unknown outcome ('info',
 * or ok answered with no change: the UID may have been absent) may have written its value
 * at any time, so that value is accepted too. '=' writes every system flag and every
 * keyword named in it or ever present on the message. An acknowledged expunge excuses the
 * message; flags nobody wrote are not judged.
 */
import { SYSTEM_FLAGS } from '../../core/state.ts';
import type { StoreValue, VectorClock } from '../historyTypes.ts';
import type { CheckResult } from '../resultTypes.ts';
import { historyClocks } from './historyCausality.ts';
import { clientOps, locateAll, opsOf, removals, type ClientOp, type AnyClientOp } from './historyView.ts';
import type { CheckInput } from './types.ts';
import { causallyLast, happenedBefore } from './vclock.ts';
import { unknownResult, Violations } from './violations.ts';

interface FlagWrite {
  readonly value: boolean;
  readonly vclock: VectorClock;
  readonly index: number;
}

/** guid -> flag -> T */
type PerFlag<T> = Map<string, Map<string, T>>;

function slot<T>(map: PerFlag<T>, guid: string, flag: string, make: () => T): T {
  let flags = map.get(guid);
  if (!flags) {
    flags = new Map();
    map.set(guid, flags);
  }
  let found = flags.get(flag);
  if (found === undefined) {
    found = make();
    flags.set(flag, found);
  }
  return found;
}

/** The (flag, value) pairs one STORE writes, given the flags ever present on the message. */
export function writtenFlags(mode: StoreValue['mode'], flags: readonly string[], present: ReadonlySet<string>): [string, boolean][] {
  if (mode === '+') return flags.map((flag) => [flag, true]);
  if (mode === '-') return flags.map((flag) => [flag, false]);
  const all = new Set<string>([...SYSTEM_FLAGS, ...present, ...flags]);
  return [...all].sort().map((flag) => [flag, flags.includes(flag)]);
}

/** Where a judgment takes causality from: a clock per acknowledged store, undefined when it has none. */
export type StoreClocks = (ops: readonly AnyClientOp[]) => (store: ClientOp<StoreValue>) => VectorClock | undefined;

/** The checker's causality: clocks built from the history (./historyCausality.ts). */
export const fromHistory: StoreClocks = (ops) => {
  const clocks = historyClocks(ops);
  return (store) => clocks.get(store.index);
};

/**
 * The vector clocks a backend stamped on its write answers (`vclock`): a second opinion for
 * tests and evidence only, never the verdict (a backend that lies about them would hide losses).
 */
export const fromStampedClocks: StoreClocks = () => (store) => store.value.vclock;

const JUDGED_WHAT = 'written (message, flag) pairs with a settled causally last value';

export function checkNoLostFlags(input: CheckInput): CheckResult {
  return judgeNoLostFlags(input, fromHistory);
}

/** The no-lost-flags judgment with causality from `clocksOf`. */
export function judgeNoLostFlags(input: CheckInput, clocksOf: StoreClocks): CheckResult {
  if (input.finals.length === 0) return unknownResult('no final replica states to check', { count: 0, what: JUDGED_WHAT });
  const ops = clientOps(input.history);
  const stores = opsOf(ops, 'store');
  const clockOf = clocksOf(ops);
  const located = input.finals.map((final) => ({ node: final.node, where: locateAll(final.state) }));
  const present = flagsEverPresent(ops, stores, located);
  const writes: PerFlag<FlagWrite[]> = new Map();
  const maybe: PerFlag<Set<boolean>> = new Map();
  const unclocked: PerFlag<true> = new Map();
  const excused = new Set<string>();
  for (const op of stores) {
    if (op.outcome === 'fail') continue;
    const { guid, mode, flags, flagsAfter } = op.value;
    const vclock = clockOf(op);
    // An ok store that changed nothing may have hit an absent UID: like an info, it may have written.
    const certain = op.outcome === 'ok' && Array.isArray(flagsAfter);
    for (const [flag, value] of writtenFlags(mode, flags ?? [], present.get(guid) ?? new Set())) {
      if (!certain) slot(maybe, guid, flag, () => new Set()).add(value);
      else if (vclock === undefined) slot(unclocked, guid, flag, () => true);
      else slot(writes, guid, flag, () => []).push({ value, vclock, index: op.index });
    }
  }
  for (const { op, guids } of removals(ops)) {
    // An expunge sets \Deleted first; if its outcome is unknown, the flag may be set. A DELETE
    // of unknown outcome may have removed the message: its flags are then not judged.
    for (const guid of guids) {
      if (op.outcome === 'ok' || op.f === 'delete') excused.add(guid);
      else slot(maybe, guid, '\\Deleted', () => new Set()).add(true);
    }
  }
  const violations = new Violations();
  let written = 0;
  let settled = 0;
  let skipped = 0;
  for (const [guid, byFlag] of unclocked) if (!excused.has(guid)) skipped += byFlag.size;
  for (const [guid, byFlag] of writes) {
    if (excused.has(guid)) continue;
    for (const [flag, list] of byFlag) {
      if (unclocked.get(guid)?.has(flag)) continue;
      written++;
      const last = causallyLast(list, (w) => w.vclock);
      const value = settledValue(list, last);
      if (value === undefined || maybe.get(guid)?.get(flag)?.has(!value)) continue;
      settled++;
      const lost = firstLost(located, guid, flag, value);
      if (!lost) continue;
      const indexes = last.map((w) => w.index);
      violations.add(indexes, `${guid} ${flag} is ${!value} in ${lost.mailbox} on ${lost.node}, but the causally last write (record ${indexes.join(', ')}) made it ${value}`);
    }
  }
  const result = violations.result(
    'lost flag writes',
    { count: settled, what: JUDGED_WHAT },
    `${settled} of ${written} written (message, flag) pairs have a settled causally last value and end with it on every replica; the other ${written - settled} had writes of both values concurrent with their last write, or of unknown outcome (either value accepted)`,
  );
  if (result.verdict !== 'invalid' && skipped > 0) {
    return unknownResult(`${skipped} (message, flag) pairs have ok store records without a clock; ${written} judged, none lost`, { count: settled, what: JUDGED_WHAT });
  }
  return result;
}

/** The first replica and mailbox where the message's flag is not `value`. */
function firstLost(located: readonly { node: string; where: ReturnType<typeof locateAll> }[], guid: string, flag: string, value: boolean): { node: string; mailbox: string } | null {
  for (const { node, where } of located) {
    for (const { mailbox, message } of where.get(guid) ?? []) if (message.flags.includes(flag) !== value) return { node, mailbox: mailbox.name };
  }
  return null;
}

/**
 * The value the causally last writes settle, or undefined when they do not: they disagree,
 * or a write of the other value is concurrent with one of them. That second case is the
 * concurrent add and remove of docs/merge-rules.md: add A and remove D concurrent, add B
 * and remove C concurrent, C after A and D after B; each side's merge sees the other's add
 * as its only net change, and the flag survives although both causally last writes removed it.
 */
function settledValue(all: readonly FlagWrite[], last: readonly FlagWrite[]): boolean | undefined {
  const value = last[0]?.value;
  if (value === undefined || last.some((w) => w.value !== value)) return undefined;
  const before = (a: FlagWrite, b: FlagWrite): boolean => happenedBefore(a.vclock, b.vclock);
  const settled = all.every((w) => w.value === value || last.every((l) => before(w, l)));
  return settled ? value : undefined;
}

/** Keywords and flags ever seen on each GUID: a '=' store removes all of them it does not name. */
function flagsEverPresent(
  ops: readonly AnyClientOp[],
  stores: readonly ClientOp<StoreValue>[],
  located: readonly { where: ReturnType<typeof locateAll> }[],
): Map<string, Set<string>> {
  const present = new Map<string, Set<string>>();
  const add = (guid: string, flags: readonly string[] | undefined): void => {
    const set = present.get(guid) ?? new Set<string>();
    for (const flag of flags ?? []) set.add(flag);
    present.set(guid, set);
  };
  for (const op of stores) {
    add(op.value.guid, op.value.flags);
    add(op.value.guid, op.value.flagsAfter ?? undefined);
  }
  for (const op of opsOf(ops, 'select')) for (const seen of op.value.messages ?? []) add(seen.guid, seen.flags);
  for (const { where } of located) for (const [guid, list] of where) for (const { message } of list) add(guid, message.flags);
  return present;
}
