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
import { decodeTree, deflateObject, type EncodedObject, type TreeEntry } from './objects.ts';

/**
 * Content bytes of the objects a world keeps verified (named limit). Over it, the older half by
 * bytes goes; an object read after that is inflated and checked again. This is the memory the
 * map adds to a world (the contents of the objects its replicas read or wrote last, measured
 * at about 1.2 bytes held per content byte), on top of the loose forms the volumes and
 * `looseById` hold anyway. In two pairs of cluster-bench runs at 10,000 messages, 32 MiB took
 * about 6% less CPU time than 4 MiB and about 15 MB more peak RSS; 16 MiB sits between.
 */
export const VERIFIED_CONTENT_BYTES_KEPT = 16 * 1024 * 1024;
/** Objects bigger than this are not kept (each read inflates them): a few would crowd out the rest. */
export const VERIFIED_OBJECT_BYTES_MAX = 1024 * 1024;

/**
 * Objects by id with the very loose-form byte array they were deflated to or verified from. A
 * read that finds that same array (not equal bytes: the same array) in the object's file takes
 * the object without inflating or hashing: the array holds the object's loose form, and volumes
 * never change a stored array (a torn write stores a shorter view, rot a changed copy, a
 * misdirected write another object's array, all other arrays). So the fault layer still decides
 * per volume what a file holds, and any file that is not the object's own array is inflated and
 * checked as before. Sound for any store: the objects kept have ids computed from their bytes.
 */
export class VerifiedObjects {
  private entries = new Map<string, { readonly loose: Uint8Array; readonly object: EncodedObject }>();
  private contentBytes = 0;

  /** The object `id` names when `loose` is the array it was kept with; else undefined. */
  get(id: string, loose: Uint8Array): EncodedObject | undefined {
    const entry = this.entries.get(id);
    return entry !== undefined && entry.loose === loose ? entry.object : undefined;
  }

  /** Keeps `object` with `loose`, which must be its loose form (deflated from it, or verified against its id). */
  remember(loose: Uint8Array, object: EncodedObject): void {
    const size = object.content.length;
    if (size > VERIFIED_OBJECT_BYTES_MAX) return;
    const prior = this.entries.get(object.id);
    if (prior !== undefined) this.contentBytes -= prior.object.content.length;
    this.entries.set(object.id, { loose, object });
    this.contentBytes += size;
    if (this.contentBytes > VERIFIED_CONTENT_BYTES_KEPT) this.dropOlderHalf();
  }

  /** Amortised O(1) per entry, as BoundedCache: one pass, no deletes from the front of a Map. */
  private dropOlderHalf(): void {
    let excess = this.contentBytes - VERIFIED_CONTENT_BYTES_KEPT / 2;
    const kept = new Map<string, { readonly loose: Uint8Array; readonly object: EncodedObject }>();
    for (const [id, entry] of this.entries) {
      if (excess > 0) {
        excess -= entry.object.content.length;
        this.contentBytes -= entry.object.content.length;
      } else kept.set(id, entry);
    }
    this.entries = kept;
  }
}

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
  /**
   * The other way round: the object a loose form inflates to, for the very byte arrays this
   * memo made or a store verified. Every replica of the world writes the arrays `loose` gives
   * (volumes keep them uncopied), so a read of one of them skips the inflate and the id check.
   */
  readonly verified = new VerifiedObjects();
  /** Decoded entries by tree object (not id): a pure function of the object, kept while it lives. */
  private readonly treeEntries = new WeakMap<EncodedObject, readonly TreeEntry[]>();

  /** deflateObject(object), once per id. */
  loose(object: EncodedObject): Uint8Array {
    return this.looseById.obtain(object.id, () => {
      const deflated = deflateObject(object);
      this.verified.remember(deflated, object);
      return deflated;
    });
  }

  /**
   * decodeTree(object.id, object.content), once per object: the replicas that read one shared
   * object (a verified read, a resolved pack) share its entries, and their tree caches one array.
   */
  entriesOf(object: EncodedObject): readonly TreeEntry[] {
    let entries = this.treeEntries.get(object);
    if (entries === undefined) this.treeEntries.set(object, (entries = decodeTree(object.id, object.content)));
    return entries;
  }
}
