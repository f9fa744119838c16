/**
 * The durable commit protocol: objects written, lock file synced with them, ref renamed,
 * synced (core/objectStore.ts). Only then does the replica's record move to the new commit; on
 * any failure nothing changes and the staged objects are dropped.
 */
import type { StoreState } from '../state.ts';
import { encodeCommit } from '../objects.ts';
import { writeState } from '../layout.ts';
import { logicalIdOf, tipsWith, withSeqTrailer } from './commitGraph.ts';
import { cacheState, info, type ReplicaContext } from './context.ts';

/**
 * Writes `state` as one commit and moves the ref; on failure nothing changes. `treeId`: the
 * tree of `state` when the caller already wrote it into the staging area.
 */
export async function commitState(ctx: ReplicaContext, state: StoreState, parents: readonly string[], author: string, timeMs: number, summary: string, treeId?: string): Promise<string> {
  const { objects } = ctx;
  try {
    const tree = treeId ?? writeState(state, ctx.opts.layout, objects, ctx.state);
    const own = author === ctx.opts.node;
    const message = own ? withSeqTrailer(summary, ctx.seq) : summary;
    const commit = encodeCommit({ tree, parents, author, timeMs, message });
    objects.put(commit);
    const written = await objects.writeStaged();
    try {
      await objects.updateRef(commit.id);
    } catch (error) {
      objects.forget(written);
      throw error;
    }
    const generation = 1 + Math.max(...parents.map((id) => info(ctx, id).generation));
    // What a commit "wrote" is defined by content (its tree against its parents' trees),
    // never by what this store happened to hold already: an object present only through a
    // commit that is not an ancestor would otherwise be left out of transfers.
    const logicalId = logicalIdOf(ctx.graph, { parents, author, timeMs, message });
    ctx.graph.set(commit.id, { tree, parents, timeMs, author, generation, seq: own ? ctx.seq : 0, logicalId });
    // A write on our head replaces the tips our head holds; held tips stay tips.
    ctx.tips = tipsWith(ctx.graph, ctx.tips, commit.id);
    ctx.head = commit.id;
    ctx.state = state;
    cacheState(ctx, commit.id, state);
    ctx.commitCount++;
    return commit.id;
  } catch (error) {
    objects.discardStaged();
    throw error;
  }
}
