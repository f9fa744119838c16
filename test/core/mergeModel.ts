// Test-only model of N replicas with a commit graph, random IMAP ops on StoreState, syncs merged by a UidStrategy, and the checks the merge must pass.
import { createHash } from 'node:crypto';
import { allMessages } from '../../core/messageMap.ts';
import { mergeBase, mergeBases, recursiveMergeBaseState } from '../../core/mergeBase.ts';
import type { StoreState } from '../../core/state.ts';
import type { UidStrategy } from '../../core/strategy.ts';
import { ownerOf } from '../../core/strategies/owner.ts';
import {
  copy,
  createMailbox,
  deleteMailbox,
  deliver,
  expunge,
  findGuid,
  mailbox,
  move,
  msg,
  renameMailbox,
  snapshot,
  store,
  storeFlag,
} from './stateOps.ts';

export const MAILBOX_POOL = ['INBOX', 'Archive', 'Junk', 'Work'] as const;
export const FLAG_POOL = ['\\Seen', '\\Flagged', '\\Answered', '$Junk'] as const;

export type Op =
  | { readonly kind: 'deliver'; readonly r: number; readonly box: number; readonly flags: number }
  | { readonly kind: 'store'; readonly r: number; readonly pick: number; readonly add: boolean; readonly flag: number }
  | { readonly kind: 'expunge'; readonly r: number; readonly pick: number }
  | { readonly kind: 'move'; readonly r: number; readonly pick: number; readonly box: number }
  | { readonly kind: 'copy'; readonly r: number; readonly pick: number; readonly box: number }
  | { readonly kind: 'create'; readonly r: number; readonly box: number }
  | { readonly kind: 'delete'; readonly r: number; readonly box: number }
  | { readonly kind: 'rename'; readonly r: number; readonly box: number; readonly to: number }
  | { readonly kind: 'sync'; readonly from: number; readonly to: number }
  | { readonly kind: 'settle'; readonly r: number; readonly quorum: boolean; readonly unreachable: number };

interface Commit {
  readonly parents: readonly string[];
  readonly state: StoreState;
  readonly vclock: readonly number[];
  readonly timeMs: number;
}

interface FlagWrite {
  readonly value: boolean;
  readonly vclock: readonly number[];
}

/** A failed check, with enough to read the counterexample. */
export class ModelViolation extends Error {}

export class ReplicaModel {
  readonly commits = new Map<string, Commit>();
  readonly heads: string[];
  private readonly bindings: Map<string, string>[];
  readonly created = new Set<string>();
  readonly expunged = new Set<string>();
  private readonly writes = new Map<string, FlagWrite[]>();
  private counter = 0;
  merges = 0;
  crissCrossMerges = 0;
  renumbered = 0;

  constructor(
    readonly strategy: UidStrategy,
    readonly replicaCount: number,
    readonly skewMs: readonly number[],
    /** false: skip the UID checks (to see what else a control breaks). */
    readonly checkUids = true,
    /** 'single': merge from mergeBase's one commit (to show criss-cross needs the recursive base). */
    readonly baseRule: 'recursive' | 'single' = 'recursive',
  ) {
    const owner = { node: 'r0', epoch: 1 };
    const initial = store(
      mailbox('INBOX', { uidValidity: 7, messages: [msg('g1', 1, ['\\Seen']), msg('g2', 2), msg('g3', 3, ['$Junk'])], ...(this.owned() ? { owner } : {}) }),
      mailbox('Archive', { uidValidity: 8, messages: [msg('g4', 1)], ...(this.owned() ? { owner } : {}) }),
    );
    const root: Commit = { parents: [], state: initial, vclock: new Array<number>(replicaCount).fill(0), timeMs: 0 };
    this.commits.set('root', root);
    this.heads = new Array<string>(replicaCount).fill('root');
    this.bindings = Array.from({ length: replicaCount }, () => new Map());
    for (const g of ['g1', 'g2', 'g3', 'g4']) {
      this.created.add(g);
      const found = findGuid(initial, g);
      for (const flag of FLAG_POOL) this.write(g, flag, found?.message.flags.includes(flag) ?? false, root.vclock);
    }
    for (let r = 0; r < replicaCount; r++) this.checkBindings(r, initial);
  }

  private owned(): boolean {
    return this.strategy.settle !== undefined;
  }

  state(r: number): StoreState {
    return (this.commits.get(this.heads[r] as string) as Commit).state;
  }

  private head(r: number): Commit {
    return this.commits.get(this.heads[r] as string) as Commit;
  }

  private guids(r: number): string[] {
    const out: string[] = [];
    for (const m of this.state(r).mailboxes.values()) for (const x of allMessages(m.messages)) if (x.uid > 0 || !this.owned()) out.push(x.guid);
    return out.sort();
  }

  private write(guid: string, flag: string, value: boolean, vclock: readonly number[]): void {
    const key = `${guid} ${flag}`;
    const list = this.writes.get(key) ?? [];
    list.push({ value, vclock });
    this.writes.set(key, list);
  }

  private commitLocal(r: number, next: StoreState): readonly number[] {
    const parent = this.head(r);
    const vclock = parent.vclock.slice();
    vclock[r] = (vclock[r] ?? 0) + 1;
    const id = `c${this.counter++}`;
    this.commits.set(id, { parents: [this.heads[r] as string], state: next, vclock, timeMs: (vclock[r] ?? 0) * 1000 + (this.skewMs[r] ?? 0) });
    this.heads[r] = id;
    this.checkBindings(r, next);
    return vclock;
  }

  async apply(op: Op): Promise<void> {
    if (op.kind === 'sync') return this.sync(op.from % this.replicaCount, op.to % this.replicaCount);
    const r = op.r % this.replicaCount;
    const node = `r${r}`;
    const state = this.state(r);
    const names = [...state.mailboxes.keys()].sort();
    const guids = this.guids(r);
    const pickGuid = (pick: number): string | undefined => guids[pick % Math.max(1, guids.length)];
    const assigns = (name: string): boolean => {
      const box = state.mailboxes.get(name);
      return box ? this.strategy.assignsUids(box, node) : true;
    };
    switch (op.kind) {
      case 'deliver': {
        const name = names[op.box % names.length] as string;
        const guid = `d${this.counter}.${node}`;
        const flags = FLAG_POOL.filter((_, i) => (op.flags >> i) & 1);
        const { uid: _uid, modseq: _modseq, ...body } = msg(guid, 0, flags);
        const vclock = this.commitLocal(r, deliver(state, name, body, assigns(name)));
        this.created.add(guid);
        for (const flag of FLAG_POOL) this.write(guid, flag, flags.includes(flag), vclock);
        return;
      }
      case 'store': {
        const guid = pickGuid(op.pick);
        const flag = FLAG_POOL[op.flag % FLAG_POOL.length] as string;
        if (!guid) return;
        const next = storeFlag(state, guid, op.add ? '+' : '-', flag);
        const vclock = this.commitLocal(r, next);
        this.write(guid, flag, op.add, vclock);
        return;
      }
      case 'expunge': {
        const guid = pickGuid(op.pick);
        if (!guid) return;
        this.commitLocal(r, expunge(state, guid));
        this.expunged.add(guid);
        return;
      }
      case 'move': {
        const guid = pickGuid(op.pick);
        const to = names[op.box % names.length] as string;
        if (!guid) return;
        this.commitLocal(r, move(state, guid, to, assigns(to)));
        return;
      }
      case 'copy': {
        const guid = pickGuid(op.pick);
        const to = names[op.box % names.length] as string;
        if (!guid) return;
        const found = findGuid(state, guid);
        const newGuid = `c${this.counter}.${node}`;
        const vclock = this.commitLocal(r, copy(state, guid, to, newGuid, assigns(to)));
        this.created.add(newGuid);
        for (const flag of FLAG_POOL) this.write(newGuid, flag, found?.message.flags.includes(flag) ?? false, vclock);
        return;
      }
      case 'create': {
        const name = MAILBOX_POOL[op.box % MAILBOX_POOL.length] as string;
        if (state.mailboxes.has(name)) return;
        // A fresh UIDVALIDITY per creation (as IMAP requires for a re-created name).
        // No owner, as core/ops.ts creates it: under `owner` it belongs to INBOX's owner.
        this.commitLocal(r, createMailbox(state, name, 1000 + this.counter));
        return;
      }
      case 'delete': {
        const name = MAILBOX_POOL[op.box % MAILBOX_POOL.length] as string;
        const box = state.mailboxes.get(name);
        if (!box || name === 'INBOX') return;
        for (const m of allMessages(box.messages)) this.expunged.add(m.guid);
        this.commitLocal(r, deleteMailbox(state, name));
        return;
      }
      case 'rename': {
        const from = MAILBOX_POOL[op.box % MAILBOX_POOL.length] as string;
        const to = MAILBOX_POOL[op.to % MAILBOX_POOL.length] as string;
        if (from === 'INBOX' || to === 'INBOX' || !state.mailboxes.has(from) || state.mailboxes.has(to)) return;
        this.commitLocal(r, renameMailbox(state, from, to));
        return;
      }
      case 'settle': {
        if (!this.strategy.settle) return;
        const unreachable = Array.from({ length: this.replicaCount }, (_, i) => `r${i}`).filter((_, i) => i !== r && (op.unreachable >> i) & 1);
        const next = this.strategy.settle(state, { node, leaseFor: modelLease(state, node, op.quorum, unreachable) });
        if (next) this.commitLocal(r, next);
        return;
      }
    }
  }

  private isAncestor(ancestor: string, of: string): boolean {
    const stack = [of];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (id === ancestor) return true;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(this.commits.get(id)?.parents ?? []));
    }
    return false;
  }

  /** Replica `to` receives the head of replica `from`: up-to-date, fast-forward, or merge. */
  async sync(from: number, to: number): Promise<void> {
    const theirsId = this.heads[from] as string;
    const oursId = this.heads[to] as string;
    if (theirsId === oursId || this.isAncestor(theirsId, oursId)) return;
    if (this.isAncestor(oursId, theirsId)) {
      this.heads[to] = theirsId;
      this.checkBindings(to, this.state(to));
      return;
    }
    const ours = this.commits.get(oursId) as Commit;
    const theirs = this.commits.get(theirsId) as Commit;
    const parentsOf = (id: string): readonly string[] => this.commits.get(id)?.parents ?? [];
    const single = mergeBase(oursId, theirsId, parentsOf);
    const base =
      this.baseRule === 'single'
        ? single === null ? null : (this.commits.get(single) as Commit).state
        : await recursiveMergeBaseState(oursId, theirsId, parentsOf, (id) => (this.commits.get(id) as Commit).state);
    if (!base) throw new ModelViolation('unrelated histories');
    const outcome = this.strategy.merge(base, ours.state, theirs.state, { node: `r${to}`, oursTimeMs: ours.timeMs, theirsTimeMs: theirs.timeMs });
    this.merges++;
    this.renumbered += outcome.renumbered;
    if (mergeBases(oursId, theirsId, parentsOf).length > 1) this.crissCrossMerges++;
    const parents = [oursId, theirsId].sort();
    const id = `m${createHash('sha1').update(parents.join(' ')).digest('hex').slice(0, 12)}`;
    const existing = this.commits.get(id);
    if (existing) {
      // The same two heads were merged before (maybe on another replica, maybe as the other side): same state.
      if (JSON.stringify(snapshot(existing.state)) !== JSON.stringify(snapshot(outcome.state))) {
        throw new ModelViolation(`merge of ${parents.join(' + ')} is not deterministic / depends on the side`);
      }
    } else {
      const vclock = ours.vclock.map((v, i) => Math.max(v, theirs.vclock[i] ?? 0));
      this.commits.set(id, { parents, state: outcome.state, vclock, timeMs: Math.max(ours.timeMs, theirs.timeMs) });
    }
    this.heads[to] = id;
    this.checkBindings(to, this.state(to));
  }

  /** No (mailbox, UIDVALIDITY, UID) is ever bound to two GUIDs on one replica, now or in its past. */
  private checkBindings(r: number, state: StoreState): void {
    if (!this.checkUids) return;
    const seen = this.bindings[r] as Map<string, string>;
    for (const box of state.mailboxes.values()) {
      for (const m of allMessages(box.messages)) {
        if (m.uid === 0) continue;
        const key = `${box.name} ${box.uidValidity} ${m.uid}`;
        const before = seen.get(key);
        if (before !== undefined && before !== m.guid) throw new ModelViolation(`replica r${r}: (${key}) bound to ${before} and then ${m.guid}`);
        seen.set(key, m.guid);
      }
    }
  }

  /** Syncs every pair (and settles with quorum) until all heads are equal. */
  async converge(roundsMax = 12): Promise<void> {
    for (let round = 0; round < roundsMax; round++) {
      for (let r = 0; r < this.replicaCount; r++) await this.apply({ kind: 'settle', r, quorum: true, unreachable: 0 });
      for (let i = 0; i < this.replicaCount; i++) for (let j = 0; j < this.replicaCount; j++) if (i !== j) await this.sync(i, j);
      const settled = this.strategy.settle === undefined || this.heads.every((_, r) => !this.strategy.settle?.(this.state(r), { node: `r${r}`, leaseFor: modelLease(this.state(r), `r${r}`, true, []) }));
      if (settled && this.heads.every((h) => h === this.heads[0])) return;
    }
    throw new ModelViolation(`no convergence after ${roundsMax} rounds: heads ${this.heads.join(' ')}`);
  }

  /** The final checks: identical states, no lost or duplicated message, flags as the rules say. */
  checkFinal(): void {
    const snaps = this.heads.map((_, r) => JSON.stringify(snapshot(this.state(r))));
    if (snaps.some((s) => s !== snaps[0])) throw new ModelViolation('replicas ended with different states');
    const final = this.state(0);
    const present = new Map<string, string[]>();
    for (const box of final.mailboxes.values()) {
      const uids = new Set<number>();
      for (const m of allMessages(box.messages)) {
        present.set(m.guid, [...(present.get(m.guid) ?? []), box.name]);
        if (this.checkUids && m.uid > 0 && uids.has(m.uid)) throw new ModelViolation(`${box.name}: UID ${m.uid} used twice`);
        uids.add(m.uid);
        if (m.uid >= box.uidNext) throw new ModelViolation(`${box.name}: UID ${m.uid} >= UIDNEXT ${box.uidNext}`);
      }
    }
    for (const guid of this.created) {
      const expected = !this.expunged.has(guid);
      if (expected && !present.has(guid)) throw new ModelViolation(`message ${guid} lost`);
      if (!expected && present.has(guid)) throw new ModelViolation(`message ${guid} expunged but back in ${present.get(guid)?.join(',')}`);
    }
    for (const [guid, where] of present) {
      if (!this.created.has(guid)) throw new ModelViolation(`message ${guid} was never created (a duplicate?) in ${where.join(',')}`);
      if (where.length > 1) throw new ModelViolation(`message ${guid} in ${where.join(',')}`);
    }
    for (const guid of present.keys()) {
      const message = findGuid(final, guid)?.message;
      for (const flag of FLAG_POOL) {
        const writes = this.writes.get(`${guid} ${flag}`) ?? [];
        const maximal = writes.filter((w) => !writes.some((v) => v !== w && dominates(v.vclock, w.vclock)));
        const values = new Set(maximal.map((w) => w.value));
        // A state-based three-way merge sees net changes only: once a write of the other value was
        // concurrent with a causally last write, either value may survive (docs/merge-rules.md).
        // Otherwise the causally last writes must win: no lost flag write. no-lost-flags judges by this rule.
        const value = maximal[0]?.value;
        const conflict = writes.some((w) => w.value !== value && maximal.some((m) => !dominates(m.vclock, w.vclock)));
        if (values.size === 1 && !conflict) {
          const want = [...values][0] as boolean;
          if ((message?.flags.includes(flag) ?? false) !== want) throw new ModelViolation(`flag ${flag} of ${guid} is ${!want}, the last write set it ${want}`);
        }
      }
    }
  }
}

function dominates(a: readonly number[], b: readonly number[]): boolean {
  let greater = false;
  for (let i = 0; i < a.length; i++) {
    if ((a[i] ?? 0) < (b[i] ?? 0)) return false;
    if ((a[i] ?? 0) > (b[i] ?? 0)) greater = true;
  }
  return greater;
}

/**
 * The model's stand-in for the lease protocol (sim/leases.ts): with `quorum` a node holds the
 * lease at the recorded owner's epoch when it is the owner, and at the next epoch when the owner
 * is among `unreachable`; without quorum it holds none.
 */
function modelLease(state: StoreState, node: string, quorum: boolean, unreachable: readonly string[]): (mailbox: string) => number | null {
  return (mailbox) => {
    if (!quorum) return null;
    const recorded = ownerOf(state.mailboxes.get(mailbox)) ?? ownerOf(state.mailboxes.get('INBOX'));
    if (recorded === undefined) return 1;
    if (recorded.node === node) return recorded.epoch;
    return unreachable.includes(recorded.node) ? recorded.epoch + 1 : null;
  };
}
