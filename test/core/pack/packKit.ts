// Trees, renames and an independent walk of a pack's entries, shared by the packfile tests.
import { inflateSync } from 'node:zlib';
import { expect } from 'vitest';
import { MODE_FILE, blobFrom, type TreeEntry } from '../../../core/objects.ts';

export const OFS_DELTA = 6;
export const REF_DELTA = 7;

export function treeEntries(count: number, salt = ''): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (let index = 0; index < count; index++) {
    entries.push({ mode: MODE_FILE, name: `1764${String(index).padStart(6, '0')}.M${index}P77.host:2,S`, id: blobFrom(`message ${salt}${index}`).id });
  }
  return entries;
}

export function renamed(entries: readonly TreeEntry[], index: number): TreeEntry[] {
  const copy = entries.slice();
  const entry = copy[index] as TreeEntry;
  copy[index] = { ...entry, name: entry.name.replace(':2,S', ':2,RS') };
  return copy;
}

/** The type code of each entry, walking the pack independently of readPack. */
export function entryTypes(pack: Uint8Array): number[] {
  const view = Buffer.from(pack);
  const types: number[] = [];
  let at = 12;
  for (let index = 0; index < view.readUInt32BE(8); index++) {
    let byte = view[at++] as number;
    types.push((byte >> 4) & 7);
    while (byte & 0x80) byte = view[at++] as number;
    if (types.at(-1) === OFS_DELTA) do byte = view[at++] as number; while (byte & 0x80);
    if (types.at(-1) === REF_DELTA) at += 20;
    at += (inflateSync(view.subarray(at, view.length - 20), { info: true }) as unknown as { engine: { bytesWritten: number } }).engine.bytesWritten;
  }
  expect(at).toBe(view.length - 20);
  return types;
}

export const noBase = (): undefined => undefined;
