/**
 * Packs already resolved, by the SHA-1 of their bytes: a commit's pack goes to four peers as the
 * same bytes, and each receiver would inflate every entry, apply every delta and hash every
 * object again. A pack's objects are a pure function of its bytes and of the thin pack's bases
 * outside it, so a receiver may take the objects another receiver resolved, provided it holds the
 * same bases: the memo keeps every base the resolution asked for, in order, with its answer, and
 * asks this receiver the same questions. Only when every answer is the same (not held, or held
 * with the same type and bytes) are the kept objects given; at the first different answer the
 * pack is resolved afresh, the answers already given replayed, so the receiver is asked nothing
 * twice and sees exactly what an unmemoised read would have done (its errors included).
 *
 * The key is the pack's own checksum, which readPack has verified against its bytes first, so a
 * torn, forged or corrupt pack (other bytes) is never a hit and is refused by every receiver.
 * Only packs that resolved are kept. Kept objects are shared, never copied: nothing may write
 * into them. The memo lives in the module (one per process or worker thread): what it gives is
 * what resolving gives, so runs sharing a process compute the same whatever it holds.
 *
 * Memory bound: PACKS_RESOLVED_KEPT packs of at most RESOLVED_PACK_BYTES_MAX content bytes
 * each (objects and asked bases), so at most 16 x 4 MiB = 64 MiB per process; packs are
 * usually a few KB.
 */
import type { EncodedObject } from '../objects.ts';

/** Resolved packs kept (named limit): the last few commits' packs, each sent to every peer. */
export const PACKS_RESOLVED_KEPT = 16;
/** A pack whose objects and bases hold more content bytes than this is not kept (named limit). */
export const RESOLVED_PACK_BYTES_MAX = 4 * 1024 * 1024;

/** How a receiver answers for a base outside the pack (readPack's `baseOf`). */
export type BaseLookup = (id: string) => Promise<EncodedObject | undefined> | EncodedObject | undefined;

interface Asked {
  readonly id: string;
  /** The base held, or undefined when the receiver did not hold it. */
  readonly held: EncodedObject | undefined;
}

interface Resolved {
  readonly objects: readonly EncodedObject[];
  readonly asked: readonly Asked[];
}

/** A base answer as readPack takes it: an object of another id is not the base asked for. */
function heldOf(id: string, answer: EncodedObject | undefined): EncodedObject | undefined {
  return answer?.id === id ? answer : undefined;
}

function sameAnswer(a: EncodedObject | undefined, b: EncodedObject | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a === b || (a.type === b.type && Buffer.from(a.content.buffer, a.content.byteOffset, a.content.length).equals(b.content));
}

function contentBytesOf(resolved: Resolved): number {
  let total = 0;
  for (const object of resolved.objects) total += object.content.length;
  for (const { held } of resolved.asked) total += held?.content.length ?? 0;
  return total;
}

/** Where readPack looks for a pack resolved before, by its checksum; `resolve` resolves it afresh with the lookup given. */
export interface PackMemo {
  read(key: string, baseOf: BaseLookup, resolve: (baseOf: BaseLookup) => Promise<EncodedObject[]>): Promise<EncodedObject[]>;
}

export class ResolvedPacks implements PackMemo {
  private entries = new Map<string, Resolved>();
  /** Reads served from the memo, and reads that resolved (for the bench's figures and tests). */
  hits = 0;
  misses = 0;

  /**
   * The objects of the pack with checksum `key` (verified by the caller against the bytes):
   * kept ones when `baseOf` answers as it did for them, else `resolve(baseOf)`.
   */
  async read(key: string, baseOf: BaseLookup, resolve: (baseOf: BaseLookup) => Promise<EncodedObject[]>): Promise<EncodedObject[]> {
    const kept = this.entries.get(key);
    const answers = new Map<string, EncodedObject | undefined>();
    if (kept !== undefined) {
      let same = true;
      for (const { id, held } of kept.asked) {
        const answer = await baseOf(id);
        answers.set(id, answer);
        if (!sameAnswer(heldOf(id, answer), held)) {
          same = false;
          break;
        }
      }
      if (same) {
        this.hits++;
        return [...kept.objects];
      }
    }
    this.misses++;
    const asked: Asked[] = [];
    const recording = async (id: string): Promise<EncodedObject | undefined> => {
      const answer = answers.has(id) ? answers.get(id) : await baseOf(id);
      asked.push({ id, held: heldOf(id, answer) });
      return answer;
    };
    const objects = await resolve(recording);
    this.keep(key, { objects: [...objects], asked });
    return objects;
  }

  private keep(key: string, resolved: Resolved): void {
    if (contentBytesOf(resolved) > RESOLVED_PACK_BYTES_MAX) return;
    this.entries.delete(key);
    this.entries.set(key, resolved);
    if (this.entries.size > PACKS_RESOLVED_KEPT) this.entries.delete(this.entries.keys().next().value as string);
  }
}
