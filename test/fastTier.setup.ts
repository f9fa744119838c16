/**
 * Setup of the fast test tier: no child process may start. Every way node:child_process has
 * to start one throws, and a file that tried (even inside a try, as a "is git installed?"
 * probe does) fails after its tests, naming the program, so it moves to SLOW_TEST_FILES.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { afterAll } from 'vitest';
import { MailsimError } from '../core/errors.ts';

const STARTERS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;

export class ChildProcessInFastTierError extends MailsimError<'E_CHILD_PROCESS_IN_FAST_TIER', { starter: string; program: string }> {
  constructor(starter: string, program: string) {
    super('E_CHILD_PROCESS_IN_FAST_TIER', `${starter}(${program}): the fast test tier starts no child process; list this file in test/tiers.ts SLOW_TEST_FILES`, { starter, program });
    this.name = 'ChildProcessInFastTierError';
  }
}

/** Every refused start in this test file, reported after its tests. */
export const childProcessAttempts: string[] = [];
const patched = childProcess as unknown as Record<string, unknown>;
for (const starter of STARTERS) {
  patched[starter] = (program: unknown) => {
    const error = new ChildProcessInFastTierError(starter, String(program));
    childProcessAttempts.push(error.message);
    throw error;
  };
}
// ES module imports of node:child_process see the replaced functions too.
syncBuiltinESMExports();

afterAll(() => {
  if (childProcessAttempts.length > 0) throw new Error(childProcessAttempts.join('\n'));
});
