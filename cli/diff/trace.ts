/**
 * A message's trace: the client writes that named it (acknowledged, or of unknown outcome),
 * as `mailsim diff` compares them across backends. Two backends whose traces of a message
 * are the same were asked the same things about it; a difference in how it ended is then
 * the backends' own.
 */
import type { AnyClientOp } from '../../sim/checkers/historyView.ts';
import type { VectorClock } from '../../sim/historyTypes.ts';

export interface TraceStep {
  readonly f: 'deliver' | 'append' | 'store' | 'expunge' | 'move' | 'copy' | 'delete';
  readonly node: string;
  readonly process: string;
  readonly outcome: 'ok' | 'info';
  /** For a store: the mode and flags written; for a move or copy: source->target; else the mailbox. */
  readonly detail: string;
  /** For an acknowledged store: the flags the server answered it left (sorted). */
  readonly flagsAfter?: readonly string[];
  /** For a store: each flag it set (true) or cleared (false). */
  readonly writes?: Readonly<Record<string, boolean>>;
  /** The history clock of an acknowledged write (sim/checkers/historyCausality.ts); null otherwise. */
  readonly clock: VectorClock | null;
  readonly timeMs: number;
}

export function messageTrace(op: AnyClientOp, clock: VectorClock | null): TraceStep | null {
  if (op.outcome === 'fail') return null;
  const base = { node: op.node, process: op.process, outcome: op.outcome, clock, timeMs: op.timeMs };
  switch (op.f) {
    case 'deliver':
    case 'append':
    case 'expunge':
    case 'delete':
      // An expunge (or a DELETE) names its mailbox: whether it met a MOVE's source or its target matters.
      return { ...base, f: op.f, detail: op.value.mailbox };
    case 'move':
    case 'copy':
      return { ...base, f: op.f, detail: `${op.value.from}->${op.value.to}` };
    case 'store': {
      const after = op.value.flagsAfter;
      return { ...base, f: 'store', detail: `${op.value.mode}${[...op.value.flags].sort().join(' ')}`, writes: flagWrites(op.value.mode, op.value.flags), ...(Array.isArray(after) ? { flagsAfter: [...after].sort() } : {}) };
    }
    default:
      return null;
  }
}

/**
 * What a STORE wrote: `+` sets its flags, `-` clears them, `=` sets its flags and clears the
 * flags it does not name; for `=` only the named ones are counted as written (what it cleared
 * depends on what was there).
 */
function flagWrites(mode: '+' | '-' | '=', flags: readonly string[]): Record<string, boolean> {
  return Object.fromEntries(flags.map((flag) => [flag, mode !== '-']));
}

/** A step as compared across backends: who did what, with which outcome (not when, not the answer). */
export function stepKey(step: TraceStep): string {
  return `${step.process}@${step.node} ${step.f} ${step.detail} ${step.outcome}`;
}

/** How two traces of one message relate: the same steps in the same order, the same steps in another order, or other steps. */
export function compareTraces(a: readonly TraceStep[], b: readonly TraceStep[]): 'same' | 'reordered' | 'different' {
  const keysA = a.map(stepKey);
  const keysB = b.map(stepKey);
  if (keysA.join('\n') === keysB.join('\n')) return 'same';
  return [...keysA].sort().join('\n') === [...keysB].sort().join('\n') ? 'reordered' : 'different';
}
