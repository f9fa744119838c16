// Proves group commit's answers end exactly once: acknowledged when the replica says the batch is durable, refused when its commit fails, unknown (CrashError) after a crash, and dropped only under the drop-crashed-acks mutant.
import { describe, expect, it } from 'vitest';
import type { BatchEnds, Replica } from '../../../core/replica/replica.ts';
import { MailsimError } from '../../../core/errors.ts';
import { CrashError } from '../../../sim/faultyFs.ts';
import { GroupCommit, type PendingAnswer } from '../../../backends/git/server/groupCommit.ts';

/** The part of a replica group commit uses: whether a batch is open, and its hooks. */
function fakeReplica(): { replica: Replica; ends: () => BatchEnds } {
  let ends: BatchEnds | null = null;
  const replica = {
    get inBatch() {
      return ends !== null;
    },
    beginBatch(hooks: BatchEnds) {
      ends = hooks;
    },
  } as unknown as Replica;
  return {
    replica,
    ends: () => {
      const open = ends as BatchEnds;
      ends = null;
      return open;
    },
  };
}

function answer(kind: string, log: string[]): PendingAnswer {
  return { kind, acknowledge: () => log.push(`ok ${kind}`), abort: (error) => log.push(`${error instanceof CrashError ? 'info' : 'fail'} ${kind}`) };
}

describe('GroupCommit', () => {
  it('acknowledges nothing before the replica says the batch is durable, then every answer with the batch kinds', () => {
    const { replica, ends } = fakeReplica();
    const group = new GroupCommit();
    const log: string[] = [];
    expect(group.open(replica)).toBe(true);
    expect(group.open(replica)).toBe(false);
    group.add(answer('store', log));
    group.add(answer('deliver', log));
    group.add(answer('store', log));
    expect(group.takeDurable()).toBeNull();
    ends().durable();
    const durable = group.takeDurable();
    expect(durable?.kinds).toEqual([['store', 2], ['deliver', 1]]);
    for (const a of durable?.answers ?? []) a.acknowledge();
    expect(log).toEqual(['ok store', 'ok deliver', 'ok store']);
    expect(group.takeDurable()).toBeNull();
  });

  it('a batch that committed nothing is still reported durable (with no answers)', () => {
    const { replica, ends } = fakeReplica();
    const group = new GroupCommit();
    group.open(replica);
    ends().durable();
    expect(group.takeDurable()).toEqual({ answers: [], kinds: [] });
  });

  it('refuses the answers of a batch whose commit failed with an error other than a crash', () => {
    const { replica, ends } = fakeReplica();
    const group = new GroupCommit();
    const log: string[] = [];
    group.open(replica);
    group.add(answer('store', log));
    ends().failed(new MailsimError('E_TEST', 'refused', {}));
    expect(log).toEqual(['fail store']);
    expect(group.crashed()).toEqual([]);
  });

  it('a crash ends every answer owed, open or durable but unsent, with an unknown outcome', () => {
    const { replica, ends } = fakeReplica();
    const group = new GroupCommit();
    const log: string[] = [];
    group.open(replica);
    group.add(answer('deliver', log));
    ends().durable();
    group.open(replica);
    group.add(answer('store', log));
    ends().failed(new CrashError('n1'));
    expect(log).toEqual([]);
    const lost = group.crashed();
    expect(lost).toHaveLength(2);
    group.endLost(lost, 'n1');
    expect(log).toEqual(['info deliver', 'info store']);
    expect(group.takeDurable()).toBeNull();
  });

  it('negative control drop-crashed-acks: the answers a crash took are never sent', () => {
    const { replica } = fakeReplica();
    const group = new GroupCommit();
    const log: string[] = [];
    group.dropOnCrash = true;
    group.open(replica);
    group.add(answer('deliver', log));
    const lost = group.crashed();
    group.endLost(lost, 'n1');
    expect(lost).toHaveLength(1);
    expect(log).toEqual([]);
  });
});
