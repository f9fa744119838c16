/**
 * Receiving a peer's heads and pack: every object resolved and verified, the commits added to
 * the graph, then the head moved: a fast-forward, or, at the designated merger, a merge with the
 * UID strategy and a deterministic merge commit (sorted parents, fixed author, date = the
 * parents' latest), so replicas merging the same heads make the same commit. A replica that may
 * not merge holds the concurrent commits (held tips) until a merge that covers them arrives.
 */
import type { Mailbox } from '../state.ts';
import { recursiveMergeBaseState } from '../mergeBase.ts';
import { decodeCommit, type CommitData } from '../objects.ts';
import { MissingObjectError } from '../objectStore.ts';
import { sortedMailboxes, writeState } from '../layout.ts';
import { readPack } from '../pack/packfile.ts';
import { addToGraph, compareIds, compareLogical, heldTipsOf, isAncestor, tipsWith } from './commitGraph.ts';
import { info, stateOf, type ReplicaContext } from './context.ts';
import { commitState } from './commit.ts';
import { flushBatch } from './batch.ts';
import { writtenBy } from './transfer.ts';

/** Author and committer of every merge commit, so the same merge is the same commit everywhere. */
export const MERGE_AUTHOR = 'mailsim merge';

/**
 * up-to-date: nothing new, and the sender holds everything we hold; fast-forward: the head moved
 * without a new merge commit (to a received tip, or to a merge of our tips a peer made already);
 * merge: this replica made the merge commit of its tips; ahead: nothing moved, and the sender
 * lacks tips we hold; held: concurrent commits are stored but not merged (receive with merge: false).
 */
export type ReceiveKind = 'up-to-date' | 'fast-forward' | 'merge' | 'ahead' | 'held';

export interface ReceiveResult {
  kind: ReceiveKind;
  head: string;
  renumbered: number;
  uidValidityChanges: readonly { mailbox: string; before: number; after: number }[];
}

const NOTHING_CHANGED = { renumbered: 0, uidValidityChanges: [] } as const;

/** What a receive or held merge did before the error that stopped it, for errors thrown after a step moved the head. */
const partialResults = new WeakMap<object, ReceiveResult>();

/**
 * The steps a failed receive or held merge completed (merges and fast-forwards that moved the
 * head and stand: their renumbering and UIDVALIDITY changes happened), or undefined when the
 * head did not move. The error itself stays what it was, so callers still tell a crash from a
 * refused object by its type.
 */
export function partialResultOf(error: unknown): ReceiveResult | undefined {
  return typeof error === 'object' && error !== null ? partialResults.get(error) : undefined;
}

/**
 * Takes a peer's heads and a pack of what it sent, resolves and verifies every object (deltas
 * against objects this replica holds included), adds the commits, and moves the head
 * (moveHead). `mayMerge` false: this replica is not the one to merge now, so concurrent commits
 * are held. On a failure before the head moves nothing is kept; a failure after a merge or
 * fast-forward moved it (a later merge of several heads) keeps the commits received, so the
 * graph still holds the head's history; those the head lacks stay held tips.
 */
export async function receive(ctx: ReplicaContext, heads: readonly string[], pack: Uint8Array | null, mayMerge: boolean): Promise<ReceiveResult> {
  const settledKind = (): ReceiveKind => (ctx.tips.every((tip) => heads.some((h) => isAncestor(ctx.graph, tip, h))) ? 'up-to-date' : 'ahead');
  if (heads.every((id) => ctx.graph.has(id))) return { kind: settledKind(), head: ctx.head, ...NOTHING_CHANGED };
  // New commits may move the head, which must then hold the open batch: it is committed first.
  await flushBatch(ctx);
  const added: string[] = [];
  const headBefore = ctx.head;
  const tipsBefore = ctx.tips;
  let written: string[] = [];
  try {
    const objects = pack === null ? [] : await readPack(pack, (id) => (ctx.objects.has(id) ? ctx.objects.read(id) : undefined));
    for (const object of objects) ctx.objects.put(object);
    for (const head of heads) added.push(...(await addCommits(ctx, head)));
    // Keep only what the new commits need: a surplus object kept would belong to no commit, and
    // a later commit reusing it would not record it, so transfers from here would miss it.
    const needed = new Set<string>(added);
    for (const id of added) for (const object of await writtenBy(ctx, id)) needed.add(object);
    ctx.objects.keepStaged(needed);
    written = await ctx.objects.writeStaged();
    for (const id of added) ctx.tips = tipsWith(ctx.graph, ctx.tips, id);
    const moved = await moveHead(ctx, heads, mayMerge);
    return moved ?? { kind: settledKind(), head: ctx.head, ...NOTHING_CHANGED };
  } catch (error) {
    ctx.objects.discardStaged();
    // A merge or fast-forward that moved the head made the received commits durable history
    // (its ref sync covered their objects) and the head reaches some of them: dropping them
    // would leave the head naming parents the graph lacks. They are kept, the rest as held
    // tips, as mergeHeld keeps the merges made before one fails.
    if (ctx.head === headBefore) {
      ctx.objects.forget(written);
      for (const id of added) ctx.graph.delete(id);
      ctx.tips = tipsBefore;
    }
    throw error;
  }
}

/** Merges every held tip into our head (a replica that waited long enough for another's merge). */
export async function mergeHeld(ctx: ReplicaContext): Promise<ReceiveResult | null> {
  const pending = heldTipsOf(ctx.graph, ctx.tips, ctx.head);
  if (pending.length === 0) return null;
  await flushBatch(ctx);
  return mergeAll(ctx, pending);
}

/** Reads the commits from `head` back to known ones into the graph; returns them, oldest first. */
async function addCommits(ctx: ReplicaContext, head: string): Promise<string[]> {
  const commits = new Map<string, CommitData>();
  const stack = [head];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (ctx.graph.has(id) || commits.has(id)) continue;
    const object = await ctx.objects.read(id);
    if (object.type !== 'commit') throw new MissingObjectError(`${id} (not a commit)`);
    const commit = decodeCommit(id, object.content);
    commits.set(id, commit);
    stack.push(...commit.parents);
  }
  return addToGraph(ctx.graph, commits);
}

/**
 * Moves the head after new commits arrived; null when it stays. A received head that descends
 * from our head and every tip is adopted (fast-forward: a merge someone else made). Else,
 * when this replica may merge, each received head our head lacks is merged into ours; when it
 * may not, the head stays and the commits are held until a merge that covers them arrives.
 */
async function moveHead(ctx: ReplicaContext, received: readonly string[], mayMerge: boolean): Promise<ReceiveResult | null> {
  const { graph } = ctx;
  // Only a descendant of our head: a merge that covers our tips but not our own merge of them
  // would drop the UIDs that merge bound, which clients may have seen.
  const covering = [...received].sort(compareLogical(graph)).find((head) => isAncestor(graph, ctx.head, head) && ctx.tips.every((tip) => isAncestor(graph, tip, head)));
  if (covering !== undefined) return covering === ctx.head ? null : fastForward(ctx, covering);
  if (!mayMerge) return heldTipsOf(graph, ctx.tips, ctx.head).length > 0 ? { kind: 'held', head: ctx.head, ...NOTHING_CHANGED } : null;
  return mergeAll(ctx, received);
}

async function mergeAll(ctx: ReplicaContext, heads: readonly string[]): Promise<ReceiveResult | null> {
  let result: ReceiveResult | null = null;
  let renumbered = 0;
  const uidValidityChanges: { mailbox: string; before: number; after: number }[] = [];
  // In logical order, never commit id order: the UIDs the merges give depend on the order, and
  // commit ids depend on the layout's trees, so the merged state would depend on the layout.
  try {
    for (const head of [...heads].sort(compareLogical(ctx.graph))) {
      if (isAncestor(ctx.graph, head, ctx.head)) continue;
      const step = isAncestor(ctx.graph, ctx.head, head) ? await fastForward(ctx, head) : await merge(ctx, head);
      renumbered += step.renumbered;
      uidValidityChanges.push(...step.uidValidityChanges);
      if (result?.kind !== 'merge') result = step;
    }
  } catch (error) {
    if (result !== null && typeof error === 'object' && error !== null) partialResults.set(error, { ...result, head: ctx.head, renumbered, uidValidityChanges });
    throw error;
  }
  return result === null ? null : { ...result, head: ctx.head, renumbered, uidValidityChanges };
}

async function fastForward(ctx: ReplicaContext, head: string): Promise<ReceiveResult> {
  const state = await stateOf(ctx, head);
  await ctx.objects.updateRef(head);
  ctx.head = head;
  ctx.state = state;
  return { kind: 'fast-forward', head, ...NOTHING_CHANGED };
}

/**
 * Merges `theirs` into ours. The base is git-recursive: with several best common ancestors
 * (criss-cross), a virtual base merged from them, so an expunge made after one of them is
 * not undone by merging from another.
 *
 * A merge commit is made even when the merged content equals one side's tree: the head must
 * hold every tip in its history, or the replica would wait for a merge forever. What keeps
 * merges few is that one replica at a time merges (backends/git/gitServer.ts), not this function.
 */
async function merge(ctx: ReplicaContext, theirs: string): Promise<ReceiveResult> {
  const ours = ctx.head;
  const parentsOf = (id: string): readonly string[] => info(ctx, id).parents;
  const byLogical = compareLogical(ctx.graph);
  // Bases of a criss-cross in logical order too; a virtual base (not in the graph) by its id.
  const compare = (x: string, y: string): number => (ctx.graph.has(x) && ctx.graph.has(y) ? byLogical(x, y) : compareIds(x, y));
  const memo = { memo: ctx.mergeBaseMemo, generationOf: (id: string) => info(ctx, id).generation, compare };
  const baseState = (await recursiveMergeBaseState(ours, theirs, parentsOf, (id) => stateOf(ctx, id), memo)) ?? { mailboxes: new Map<string, Mailbox>() };
  const theirsState = await stateOf(ctx, theirs);
  const mergeCtx = { node: ctx.opts.node, oursTimeMs: info(ctx, ours).timeMs, theirsTimeMs: info(ctx, theirs).timeMs };
  const outcome = ctx.opts.strategy.merge(baseState, ctx.state, theirsState, mergeCtx);
  const state = { mailboxes: sortedMailboxes(outcome.state.mailboxes) };
  const tree = writeState(state, ctx.opts.layout, ctx.objects, ctx.state);
  const parents = [ours, theirs].sort(compareIds);
  const timeMs = Math.max(mergeCtx.oursTimeMs, mergeCtx.theirsTimeMs);
  const id = await commitState(ctx, state, parents, MERGE_AUTHOR, timeMs, `merge ${parents[0]} ${parents[1]}`, tree);
  ctx.mergeCount++;
  return { kind: 'merge', head: id, renumbered: outcome.renumbered, uidValidityChanges: outcome.uidValidityChanges };
}
