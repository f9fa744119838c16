/**
 * no-lost-flags: for each (message, flag), the final value on every replica equals the
 * value written by a causally last write to it. Causality is judged with the simulator's
 * vector clocks stamped on ok store records, never with the replica's own records. Where
 * the causally last writes disagree (concurrent writes), either value is fine; where they
 * agree, the final value must be theirs. A store of unknown outcome ('info', or ok
 * answered with no change: the UID may have been absent) may have written its value at
 * any time, so that value is accepted too. '=' writes every system
 * flag and every keyword named in it or ever present on the message. An acknowledged
 * expunge excuses the message; flags nobody wrote are not judged (deliveries carry no clock).
 */
import { SYSTEM_FLAGS } from '../../core/state.ts';
import type { StoreValue, VectorClock } from '../historyTypes.ts';
import type { CheckResult } from '../resultTypes.ts';
import { clientOps, expungedGuids, locateAll, opsOf, type ClientOp, type AnyClientOp } from './historyView.ts';
import type { CheckInput } from './types.ts';
import { causallyLast } from './vclock.ts';
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

const JUDGED_WHAT = 'written (message, flag) pairs';

export function checkNoLostFlags(input: CheckInput): CheckResult {
  if (input.finals.length === 0) return unknownResult('no final replica states to check', { count: 0, what: JUDGED_WHAT });
  const ops = clientOps(input.history);
  const stores = opsOf(ops, 'store');
  const located = input.finals.map((final) => ({ node: final.node, where: locateAll(final.state) }));
  const present = flagsEverPresent(ops, stores, located);
  const writes: PerFlag<FlagWrite[]> = new Map();
  const maybe: PerFlag<Set<boolean>> = new Map();
  const unclocked: PerFlag<true> = new Map();
  const excused = new Set<string>();
  for (const op of stores) {
    if (op.outcome === 'fail') continue;
    const { guid, mode, flags, vclock, flagsAfter } = op.value;
    // An ok store that changed nothing may have hit an absent UID: like an info, it may have written.
    const certain = op.outcome === 'ok' && Array.isArray(flagsAfter);
    for (const [flag, value] of writtenFlags(mode, flags ?? [], present.get(guid) ?? new Set())) {
      if (!certain) slot(maybe, guid, flag, () => new Set()).add(value);
      else if (vclock === undefined) slot(unclocked, guid, flag, () => true);
      else slot(writes, guid, flag, () => []).push({ value, vclock, index: op.index });
    }
  }
  for (const op of opsOf(ops, 'expunge')) {
    // An expunge sets \Deleted first; if its outcome is unknown, the flag may be set.
    for (const guid of expungedGuids(op)) {
      if (op.outcome === 'ok') excused.add(guid);
      else slot(maybe, guid, '\\Deleted', () => new Set()).add(true);
    }
  }
  const violations = new Violations();
  const reported = new Set<string>();
  let judged = 0;
  let skipped = 0;
  for (const [guid, byFlag] of unclocked) if (!excused.has(guid)) skipped += byFlag.size;
  for (const [guid, byFlag] of writes) {
    if (excused.has(guid)) continue;
    for (const [flag, list] of byFlag) {
      if (unclocked.get(guid)?.has(flag)) continue;
      judged++;
      const last = causallyLast(list, (w) => w.vclock);
      const value = last[0]?.value;
      if (value === undefined || last.some((w) => w.value !== value)) continue;
      if (maybe.get(guid)?.get(flag)?.has(!value)) continue;
      for (const { node, where } of located) {
        for (const { mailbox, message } of where.get(guid) ?? []) {
          if (message.flags.includes(flag) === value || reported.has(`${guid} ${flag}`)) continue;
          reported.add(`${guid} ${flag}`);
          violations.add(
            last.map((w) => w.index),
            `${guid} ${flag} is ${!value} in ${mailbox.name} on ${node}, but the causally last write (record ${last.map((w) => w.index).join(', ')}) made it ${value}`,
          );
        }
      }
    }
  }
  const result = violations.result('lost flag writes', { count: judged, what: JUDGED_WHAT }, `${judged} written (message, flag) pairs end with a causally last value on every replica`);
  if (result.verdict !== 'invalid' && skipped > 0) {
    return unknownResult(`${skipped} (message, flag) pairs have ok store records without a vclock; ${judged} judged, none lost`, { count: judged, what: JUDGED_WHAT });
  }
  return result;
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
