/**
 * Deflated bytes by the ids that name their input. An object's loose form, its whole pack entry
 * and its delta against a base are pure functions of the objects, and an id names an object's
 * bytes (every id is computed from the bytes it names, received ones included), so a world may
 * share one memo among its replicas: each of five servers stores the same commit, and a sender
 * packs the same objects again for peers at other heads (about eight deflates per distinct
 * entry in a swarm run). The memo changes no byte: without it each call deflates afresh.
 * Values are shared, never copied, so nothing that holds one may write into it.
 */
import { BoundedCache } from './boundedCache.ts';
import { deflateObject, type EncodedObject } from './objects.ts';

/** Loose-object deflates kept (named limit; most are tens of bytes, a body a few KB). */
export const LOOSE_DEFLATES_KEPT = 65_536;
/** Pack-entry deflates (whole objects and deltas) kept. */
export const PACK_ENTRY_DEFLATES_KEPT = 65_536;
/** Raw deltas kept, by base and target. */
export const DELTAS_KEPT = 32_768;

export class DeflateMemo {
  private readonly looseById = new BoundedCache<Uint8Array>(LOOSE_DEFLATES_KEPT);
  /** Keyed by an object's id (its whole entry) or by base id and object id (its delta's entry). */
  readonly packEntries = new BoundedCache<Uint8Array>(PACK_ENTRY_DEFLATES_KEPT);
  /** Keyed by base id and object id. */
  readonly deltas = new BoundedCache<Uint8Array>(DELTAS_KEPT);

  /** deflateObject(object), once per id. */
  loose(object: EncodedObject): Uint8Array {
    return this.looseById.obtain(object.id, () => deflateObject(object));
  }
}
