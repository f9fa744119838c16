// Proves History: a flat, indexed list of records stamped with virtual time, and a stable hash (sha256 of canonical JSON) that ignores key order but changes with any content.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, History, historyHash } from '../../sim/history.ts';
import type { HistoryRecord } from '../../sim/historyTypes.ts';
import { appendLoose, asHistoryRecord, type LooseRecord } from './fixtures/looseHistory.ts';

// The hash works on any record, so these are loose: kinds and values the simulator never writes.
function record(overrides: Partial<LooseRecord> = {}): HistoryRecord {
  return asHistoryRecord({ index: 0, timeMs: 5, node: 'n1', process: 'net', type: 'info', f: 'send', value: { id: 1, to: 'n2' }, ...overrides });
}

describe('History', () => {
  it('appends flat records with consecutive indexes and the current virtual time', () => {
    let nowMs = 0;
    const history = new History(() => nowMs);
    expect(appendLoose(history, 'n1', 'smtp-0', 'invoke', 'deliver', { mailbox: 'INBOX' })).toBe(0);
    nowMs = 42;
    expect(appendLoose(history, 'n2', 'nemesis', 'info', 'fault', { kind: 'heal' })).toBe(1);
    expect(history.records).toEqual([
      { index: 0, timeMs: 0, node: 'n1', process: 'smtp-0', type: 'invoke', f: 'deliver', value: { mailbox: 'INBOX' } },
      { index: 1, timeMs: 42, node: 'n2', process: 'nemesis', type: 'info', f: 'fault', value: { kind: 'heal' } },
    ]);
    expect(history.hash()).toBe(historyHash(history.records));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth, so key insertion order does not matter', () => {
    const a = { b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' } };
    const b = { a: { c: 'x', d: [1, { y: 2, z: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('keeps array order, drops undefined fields and matches JSON for scalars', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson(true)).toBe('true');
  });

  it('is parseable JSON equal to the input', () => {
    const value = { n: 1.5, s: 'é\u0000', list: [{ k: [] }], nested: { deep: { deeper: false } } };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  it('uses toJSON like JSON does, so a Date hashes by its instant', () => {
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalJson(new Date(1))).not.toBe(canonicalJson(new Date(0)));
  });

  it('encodes an object without a prototype like a plain one', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 2, a: 1 });
    expect(canonicalJson(bare)).toBe('{"a":1,"b":2}');
  });

  it('writes the JSON.stringify text of objects with many distinct and escaped keys, past the quoted-key memo', () => {
    const wide = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k"${i}\u0001`, i]));
    const sorted = Object.fromEntries(Object.entries(wide).sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(canonicalJson(wide)).toBe(JSON.stringify(sorted));
    expect(canonicalJson(wide)).toBe(JSON.stringify(sorted));
    expect(canonicalJson([1, 'x', null, true, { b: [NaN, -0, 1e21], a: undefined }])).toBe('[1,"x",null,true,{"b":[null,0,1e+21]}]');
  });

  it('refuses a Map or Set instead of hashing it as an empty object', () => {
    expect(() => canonicalJson({ m: new Map([['a', 1]]) })).toThrow(/Map/);
    expect(() => canonicalJson(new Set([1]))).toThrow(/Set/);
  });
});

describe('historyHash', () => {
  it('is the sha256 of canonical JSON lines', () => {
    expect(historyHash([])).toBe(createHash('sha256').update('').digest('hex'));
    const r = record();
    expect(historyHash([r])).toBe(createHash('sha256').update(`${canonicalJson(r)}\n`).digest('hex'));
  });

  it('does not depend on key order inside records and values', () => {
    const a = record({ value: { id: 1, to: 'n2' } });
    const b = asHistoryRecord({ value: { to: 'n2', id: 1 }, f: 'send', type: 'info', process: 'net', node: 'n1', timeMs: 5, index: 0 });
    expect(historyHash([b])).toBe(historyHash([a]));
  });

  it('changes when any field, any nested value or the record order changes', () => {
    const base = historyHash([record(), record({ index: 1 })]);
    const variants: HistoryRecord[][] = [
      [record({ timeMs: 6 }), record({ index: 1 })],
      [record({ node: 'n2' }), record({ index: 1 })],
      [record({ process: 'imap-0' }), record({ index: 1 })],
      [record({ type: 'ok' }), record({ index: 1 })],
      [record({ f: 'deliver' }), record({ index: 1 })],
      [record({ value: { id: 2, to: 'n2' } }), record({ index: 1 })],
      [record({ value: { id: 1, to: 'n2', extra: 0 } }), record({ index: 1 })],
      [record({ index: 1 }), record()],
      [record()],
    ];
    for (const v of variants) expect(historyHash(v)).not.toBe(base);
  });

  it('does not let two records run together (record boundaries are part of the hash)', () => {
    const one = [record({ value: 'ab' })];
    const two = [record({ value: 'a' }), record({ value: 'b' })];
    expect(historyHash(two)).not.toBe(historyHash(one));
  });
});
