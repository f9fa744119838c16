/**
 * The run history: an append-only list of records, and its stable hash (sha256 of
 * canonical JSON: keys sorted, so the hash depends on content, never on insertion order
 * of object keys).
 */
import { createHash } from 'node:crypto';
import { assert } from '../core/errors.ts';
import type { HistoryRecord, RecordKind, RecordType, ValueOf } from './historyTypes.ts';

export class History {
  private readonly list: HistoryRecord[] = [];
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  get records(): readonly HistoryRecord[] {
    return this.list;
  }

  /** Appends a record stamped with the current virtual time; returns its index. */
  append<F extends RecordKind>(node: string, process: string, type: RecordType, f: F, value: ValueOf<F>): number {
    const index = this.list.length;
    this.list.push({ index, timeMs: this.now(), node, process, type, f, value } as HistoryRecord);
    return index;
  }

  hash(): string {
    return historyHash(this.list);
  }
}

/**
 * JSON with object keys sorted at every depth. Like JSON.stringify it honours toJSON (a Date
 * becomes its ISO instant). A Map or Set has no JSON form and would silently hash as `{}`,
 * hiding its content from the history hash, so it is refused.
 *
 * Written as one string built in place: a run's history is tens of thousands of records,
 * and hashing it was some 4% of a cluster run's CPU time when each object went through entries,
 * filter, sort, map and join arrays.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return primitiveJson(value);
  if (hasToJson(value)) return canonicalJson(value.toJSON());
  assert(!(value instanceof Map || value instanceof Set), 'canonicalJson cannot encode a Map or Set: use a plain object or array');
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += i === 0 ? canonicalJson(value[i]) : `,${canonicalJson(value[i])}`;
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // Object.keys lists own enumerable string keys, as Object.entries does; the default sort
  // orders strings by UTF-16 code units, as `<` does.
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const inner = record[key];
    if (inner === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${keyJson(key)}${canonicalJson(inner)}`;
  }
  return `${out}}`;
}

/**
 * `"key":` for each key seen, memoised: a history repeats a few dozen field names in every
 * record. The output is a pure function of the key, so the memo never changes what a run
 * hashes; it stops growing at `quotedKeysMax` (keys drawn from data still get their JSON).
 */
const quotedKeys = new Map<string, string>();
const quotedKeysMax = 4_096;

function keyJson(key: string): string {
  const known = quotedKeys.get(key);
  if (known !== undefined) return known;
  const quoted = `${JSON.stringify(key)}:`;
  if (quotedKeys.size < quotedKeysMax) quotedKeys.set(key, quoted);
  return quoted;
}

/** A value JSON.stringify writes alone; what it cannot write (a function, a symbol) is `null`, as in an array. */
function primitiveJson(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value) ?? 'null';
}

function hasToJson(value: unknown): value is { toJSON: () => unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

export function historyHash(records: readonly HistoryRecord[]): string {
  return hashOf(records, (record) => record);
}

/**
 * The history as JSON Lines (`mailsim run --history`, docs/history-format.md): one record a
 * line, in canonical JSON, exactly the lines `historyHash` hashes, so the sha256 of the
 * whole text is the history hash of a run on the reference replica.
 */
export function* historyLines(records: readonly HistoryRecord[]): Generator<string> {
  for (const record of records) yield `${canonicalJson(record)}\n`;
}

/** sha256 over one canonical JSON line per record, as `project` shows it. */
function hashOf(records: readonly HistoryRecord[], project: (record: HistoryRecord) => unknown): string {
  const hash = createHash('sha256');
  for (const record of records) hash.update(canonicalJson(project(record))).update('\n');
  return hash.digest('hex');
}

/**
 * What a real backend decides, not the simulator: Dovecot takes GUIDs from file names and
 * UIDVALIDITY from the wall clock, and its errors carry its own words. A run on a real
 * backend hashes its history without these fields, and without the values of its replica
 * records (bindings, merges: Dovecot's doing); everything else is the simulator's schedule
 * and the answers' UIDs, flags and MODSEQs.
 */
export const REAL_BACKEND_UNDECIDED_FIELDS: readonly string[] = ['guid', 'guids', 'toGuid', 'uidValidity', 'toUidValidity', 'reason', 'words'];

/**
 * What a real client program decides, not the simulator: its own words name temporary
 * paths, process ids and wall-clock UIDVALIDITYs. A run with real clients hashes its
 * history without them; everything it did is in the history keyed by Message-ID.
 */
export const REAL_CLIENT_UNDECIDED_FIELDS: readonly string[] = ['words'];

/** The hash of a run with real clients on the reference replica (docs/real-clients.md). */
export function realClientHash(records: readonly HistoryRecord[]): string {
  return hashOf(records, (record) => (record.f === 'client-sync' ? { ...record, value: Object.fromEntries(Object.entries(record.value).filter(([key]) => !REAL_CLIENT_UNDECIDED_FIELDS.includes(key))) } : record));
}

/** `value` without the undecided fields, at every depth (a SELECT's answer lists messages with their GUIDs). */
function withoutUndecided(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndecided);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !REAL_BACKEND_UNDECIDED_FIELDS.includes(key)).map(([key, inner]) => [key, withoutUndecided(inner)]));
}

/** The hash of what the simulator decided in a run on a real backend (docs/replica-backends.md). */
export function scheduleHash(records: readonly HistoryRecord[]): string {
  return hashOf(records, (record) => ({ ...record, value: record.process === 'replica' ? {} : withoutUndecided(record.value) }));
}
