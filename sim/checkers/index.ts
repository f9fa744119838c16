/**
 * The checker registry: every IMAP invariant checker by name, and the verdict of a run.
 */
import type { CheckResult, Verdict } from '../resultTypes.ts';
import { checkCompletions } from './completions.ts';
import { checkConvergence } from './convergence.ts';
import { checkKeywordSet } from './keywordSet.ts';
import { checkLeaseExclusive } from './leaseExclusive.ts';
import { checkModseq } from './modseq.ts';
import { checkMoveAtomic } from './moveAtomic.ts';
import { checkNoDuplicates } from './noDuplicates.ts';
import { checkNoLostFlags } from './noLostFlags.ts';
import { checkNoLostMail } from './noLostMail.ts';
import { checkNoResurrection } from './noResurrection.ts';
import type { CheckInput, CheckName, Checker } from './types.ts';
import { checkUidOrder } from './uidOrder.ts';
import { checkUidStable } from './uidStable.ts';
import { checkUidValidity } from './uidValidity.ts';
import { unknownResult } from './violations.ts';
import { checkRealClients } from './realClients.ts';
import { CHECK_NAMES } from './names.ts';

export const CHECKERS: Readonly<Record<CheckName, Checker>> = Object.freeze({
  'uid-stable': checkUidStable,
  'uid-order': checkUidOrder,
  uidvalidity: checkUidValidity,
  'no-lost-mail': checkNoLostMail,
  'no-lost-flags': checkNoLostFlags,
  'keyword-set': checkKeywordSet,
  'no-resurrection': checkNoResurrection,
  'no-duplicates': checkNoDuplicates,
  modseq: checkModseq,
  'move-atomic': checkMoveAtomic,
  convergence: checkConvergence,
  'lease-exclusive': checkLeaseExclusive,
  completions: checkCompletions,
  'real-clients': checkRealClients,
});


export function isCheckName(name: string): name is CheckName {
  return Object.prototype.hasOwnProperty.call(CHECKERS, name);
}

/** Runs the named checkers in the order given. An unknown name yields an `unknown` result naming it. */
export function runChecks(input: CheckInput, names: readonly string[]): Record<string, CheckResult> {
  const results: Record<string, CheckResult> = {};
  for (const name of names) {
    results[name] = isCheckName(name)
      ? CHECKERS[name](input)
      : unknownResult(`no checker named ${JSON.stringify(name)}; known: ${CHECK_NAMES.join(', ')}`, { count: 0, what: 'history records' });
  }
  return results;
}

/**
 * invalid if any check is invalid, else unknown if any is unknown, else valid. A check that
 * judged nothing (not-applicable) has no say; but a run where no check judged anything was
 * not verified at all, so it is unknown, never valid.
 */
export function overallVerdict(results: Record<string, CheckResult>): Verdict {
  const verdicts = Object.values(results).map((r) => r.verdict);
  if (verdicts.includes('invalid')) return 'invalid';
  if (verdicts.includes('unknown')) return 'unknown';
  if (!verdicts.includes('valid')) return 'unknown';
  return 'valid';
}
