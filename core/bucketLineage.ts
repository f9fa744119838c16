/**
 * Where a MessageMap bucket came from: the bucket it was copied from (its root) and the GUIDs
 * whose entries may differ from the root's. Two buckets of one lineage differ at most in the
 * union of their changed GUIDs, so the merge and the layout compare a few GUIDs instead of
 * every message of a bucket (about n/256 of them): their cost follows the divergence, not the
 * mailbox size.
 *
 * Only a speed-up: a bucket without a record is its own root, and two buckets whose lineages
 * do not meet are compared in full, with the same result. Records live in a WeakMap keyed by the
 * (immutable) bucket, so nothing is iterated (no order leaks into a result) and a record dies
 * with its bucket. A record keeps its root alive; when the changed set would exceed
 * LINEAGE_CHANGED_MAX the new bucket starts a lineage of its own, so memory stays bounded.
 */
import type { Message } from './message.ts';

type Bucket = ReadonlyMap<string, Message>;

/** Changed GUIDs a record may hold before a bucket becomes a root (a full compare is then cheap enough relative to the change). */
export const LINEAGE_CHANGED_MAX = 64;

interface Lineage {
  readonly root: Bucket;
  readonly changed: ReadonlySet<string>;
}

const lineages = new WeakMap<Bucket, Lineage>();

/**
 * Records that `bucket` was made from `from` by changing (setting or deleting) `guids` only.
 * Call once the bucket is complete: it must never change afterwards.
 */
export function recordDerived(bucket: Bucket, from: Bucket | undefined, guids: Iterable<string>): void {
  if (from === undefined || bucket === from) return;
  const parent = lineages.get(from);
  const changed = new Set(parent?.changed);
  for (const guid of guids) {
    changed.add(guid);
    if (changed.size > LINEAGE_CHANGED_MAX) return;
  }
  lineages.set(bucket, { root: parent?.root ?? from, changed });
}

/**
 * The GUIDs whose entries may differ between `a` and `b` (a superset of those that do), or
 * undefined when their lineages do not meet and every entry must be compared.
 */
export function bucketDifference(a: Bucket, b: Bucket): ReadonlySet<string> | undefined {
  if (a === b) return new Set();
  const la = lineages.get(a);
  const lb = lineages.get(b);
  const rootA = la?.root ?? a;
  const rootB = lb?.root ?? b;
  if (rootA === rootB) return union(la?.changed, lb?.changed);
  // One is the other's root: a bucket compared with the one it was made from.
  if (rootB === a) return lb?.changed;
  if (rootA === b) return la?.changed;
  return undefined;
}

function union(x: ReadonlySet<string> | undefined, y: ReadonlySet<string> | undefined): ReadonlySet<string> {
  const out = new Set(x);
  for (const guid of y ?? []) out.add(guid);
  return out;
}
