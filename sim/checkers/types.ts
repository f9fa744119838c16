/**
 * The checker contract: every checker is a pure function of the run history and the
 * final replica states, returning valid | invalid | unknown with evidence.
 */
import type { StoreState } from '../../core/state.ts';
import type { HistoryRecord } from '../historyTypes.ts';
import type { CheckResult } from '../resultTypes.ts';

export type { CheckName } from './names.ts';

export interface FinalReplica {
  readonly node: string;
  readonly head: string;
  readonly treeId: string;
  readonly state: StoreState;
  /**
   * Each replica counts its own MODSEQs (a real Dovecot store: RFC 7162 asks them to rise on
   * one server, not to match across servers), so convergence compares the rest of the state.
   */
  readonly ownModseqs?: boolean;
  /**
   * GUIDs whose body, as this replica reads it back, is not the message's (it does not hash to
   * the blob id the state names): a replica that served another object's bytes. Audited only on
   * volumes a rot or misdirect fault struck; absent when none.
   */
  readonly wrongBodies?: readonly string[];
}

export interface CheckInput {
  readonly history: readonly HistoryRecord[];
  readonly finals: readonly FinalReplica[];
  readonly strategy: { readonly name: string; readonly mayResetValidity: boolean };
  /** lastHealMs: time of the last heal/restart (start of quiescence); convergedAtMs: first time all replicas agreed after it, null if never. */
  readonly convergence: {
    readonly lastHealMs: number;
    readonly convergedAtMs: number | null;
    readonly boundMs: number;
    readonly syncRounds: number;
  };
}

export type Checker = (input: CheckInput) => CheckResult;
