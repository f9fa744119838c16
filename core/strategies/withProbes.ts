/**
 * A strategy whose merges see a world's probe sink (core/probes.ts). The merge context is built
 * by the replica; this is how the sink reaches the merge without the replica knowing of it. The
 * merged state is the same: probes only count.
 */
import type { ProbeSink } from '../probes.ts';
import type { UidStrategy } from '../strategy.ts';

export function withProbes(strategy: UidStrategy, probes: ProbeSink): UidStrategy {
  return {
    ...strategy,
    assignsUids: strategy.assignsUids.bind(strategy),
    merge: (base, ours, theirs, ctx) => strategy.merge(base, ours, theirs, { ...ctx, probes }),
    ...(strategy.settle ? { settle: strategy.settle.bind(strategy) } : {}),
  };
}
