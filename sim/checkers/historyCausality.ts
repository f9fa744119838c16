/**
 * Causality from the history alone: what clients wrote and what they read, never a clock
 * a backend keeps (a black-box server has none to offer, and a bug in one would be a bug
 * in the judge). Every acknowledged client operation is an observation of the server that
 * answered it, and every acknowledged write is an event of that server.
 *
 * The rule (docs/checkers.md, "Causality"): write B causally follows write A when
 * - B ran on A's server after A was acknowledged (invoked after A's ok record): a server's
 *   state holds every write it acknowledged before (acknowledged means durable); or
 * - B's client earlier had an IMAP operation acknowledged by A's server, invoked after A's
 *   ok record (it read a state that reflected A), or wrote A itself (session order); or
 * - by transitivity through any acknowledged operation: what a client knew when a server
 *   answered it, that server reflects from then on (the session guarantee: a server that
 *   has not applied what the client saw refuses the client), and what a server reflected
 *   when it answered a client, the client knows from then on.
 *
 * Knowledge is counted per server as a prefix of the server's acknowledged writes in
 * history order, so the relation is a vector clock over servers, built only from the
 * history records' `node`, `process`, order and outcome. It under-approximates real
 * causality (a push between servers that no client saw counts as nothing), and a checker
 * that reads fewer orderings judges less but never more harshly.
 */
import type { VectorClock } from '../historyTypes.ts';
import type { AnyClientOp } from './historyView.ts';
import { mergeClocks } from './vclock.ts';

/** Client operations that change a mailbox: an acknowledged one is an event of its server. */
const WRITE_KINDS: ReadonlySet<string> = new Set(['deliver', 'append', 'store', 'expunge', 'move', 'copy', 'delete']);
/**
 * An SMTP delivery's answer (250) shows its sender nothing of the mailbox, and SMTP senders
 * are under no session guarantee (one may deliver on both sides of a partition): a delivery
 * is an event of its server, but no knowledge flows through its sender.
 */
const NO_SESSION_KINDS: ReadonlySet<string> = new Set(['deliver']);

interface Boundary {
  readonly index: number;
  readonly op: AnyClientOp;
  readonly phase: 'invoke' | 'ok';
}

/**
 * The history clock of every acknowledged write, by the index of its ok record: its server's
 * entry counts the write itself, every other entry what its client and server reflected
 * when it was invoked. `happenedBefore(clock(A), clock(B))` (./vclock.ts) is "B causally follows A".
 */
export function historyClocks(ops: readonly AnyClientOp[]): Map<number, VectorClock> {
  const boundaries: Boundary[] = [];
  for (const op of ops) {
    if (op.outcome !== 'ok') continue;
    boundaries.push({ index: op.invokeIndex ?? op.index, op, phase: 'invoke' });
    boundaries.push({ index: op.index, op, phase: 'ok' });
  }
  boundaries.sort((a, b) => a.index - b.index);
  const servers = new Map<string, VectorClock>();
  const clients = new Map<string, VectorClock>();
  /** What the op saw when it was invoked: its client's and its server's knowledge then. */
  const atInvoke = new Map<AnyClientOp, VectorClock>();
  const clocks = new Map<number, VectorClock>();
  for (const { op, phase } of boundaries) {
    const server = servers.get(op.node) ?? {};
    const client = clients.get(op.process) ?? {};
    const session = !NO_SESSION_KINDS.has(op.f);
    if (phase === 'invoke') {
      atInvoke.set(op, session ? mergeClocks(server, client) : server);
      continue;
    }
    let known = atInvoke.get(op) ?? {};
    if (WRITE_KINDS.has(op.f)) {
      // This write is the next event of its server: its server's own count so far, plus one.
      known = { ...known, [op.node]: (server[op.node] ?? 0) + 1 };
      clocks.set(op.index, known);
    }
    servers.set(op.node, mergeClocks(server, known));
    if (session) clients.set(op.process, mergeClocks(client, known));
  }
  return clocks;
}
