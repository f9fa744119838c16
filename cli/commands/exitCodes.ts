/**
 * Exit codes, as Jepsen uses them: 0 when every verdict is what its scenario expects,
 * 1 when one is not, 2 for bad input or an unknown verdict. An unknown verdict outranks
 * a mismatch, because "we could not tell" must never pass for "we checked".
 */
import { isAsExpected, type JudgedRun } from '../../sim/expectation.ts';

export { isAsExpected };

export const EXIT_AS_EXPECTED = 0;
export const EXIT_NOT_AS_EXPECTED = 1;
export const EXIT_BAD_INPUT_OR_UNKNOWN = 2;
/** A sweep stopped by Ctrl-C (128 + SIGINT), after saving every finished result. */
export const EXIT_INTERRUPTED = 130;

export function exitCodeFor(runs: readonly JudgedRun[]): number {
  if (runs.some((run) => run.verdict === 'unknown')) return EXIT_BAD_INPUT_OR_UNKNOWN;
  if (runs.some((run) => !isAsExpected(run))) return EXIT_NOT_AS_EXPECTED;
  return EXIT_AS_EXPECTED;
}
