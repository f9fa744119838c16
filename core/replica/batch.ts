/**
 * Group commit on the replica: a batch applies operations to the state at once and commits
 * them together as one commit when flushed (or when a receive, merge or settle must build on
 * them). Until then they are not durable, so `committed` reads the state the batch started from.
 */
import { assert } from '../errors.ts';
import { commitState } from './commit.ts';
import type { BatchEnds, ReplicaContext } from './context.ts';

export const NO_BATCH_ENDS: BatchEnds = { durable: () => undefined, failed: () => undefined };

/** Opens a batch; `ends` hears once whether its commit was durable (also when it changed nothing) or failed. */
export function beginBatch(ctx: ReplicaContext, ends: BatchEnds): void {
  assert(ctx.batch === null, 'beginBatch while a batch is open');
  ctx.batch = { startState: ctx.state, startSeq: ctx.seq, summaries: [], ends };
}

/** Commits the open batch, if any, as one commit (none when it changed nothing); a failed commit rolls its operations back. */
export async function flushBatch(ctx: ReplicaContext): Promise<void> {
  const batch = ctx.batch;
  if (!batch) return;
  ctx.batch = null;
  if (batch.summaries.length === 0) return batch.ends.durable();
  try {
    await commitState(ctx, ctx.state, [ctx.head], ctx.opts.node, ctx.opts.clock(), `batch of ${batch.summaries.length}\n\n${batch.summaries.join('\n')}`);
  } catch (error) {
    ctx.state = batch.startState;
    ctx.seq = batch.startSeq;
    batch.ends.failed(error);
    throw error;
  }
  batch.ends.durable();
}
