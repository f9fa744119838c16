/**
 * What a mailsim process does when it exits, also when a signal stops it: removes the
 * temporary folders real programs still run in (backends/tempRoots.ts). Node skips its exit
 * handlers when a signal kills it, so the usual stop signals exit through process.exit
 * instead, with the shell's code for them (128 + the signal's number).
 */
import { removeLiveTempRootsSync } from '../backends/tempRoots.ts';

const EXIT_CODE_BY_SIGNAL = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

export function installExitCleanup(): void {
  process.on('exit', () => {
    for (const root of removeLiveTempRootsSync()) process.stderr.write(`mailsim: could not remove ${root}; a server process may still have been writing into it\n`);
  });
  for (const [signal, code] of Object.entries(EXIT_CODE_BY_SIGNAL)) {
    process.on(signal, () => {
      // A command with its own handler (a sweep stops gracefully on the first Ctrl-C) decides.
      if (process.listenerCount(signal) === 1) process.exit(code);
    });
  }
}
