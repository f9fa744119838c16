// The byte counting both relays share (dovecot/relay.mjs for dsync, cyrus/syncRelay.mjs for
// Cyrus replication): pass chunks each way, count them, and at a kill point stop mid-stream so a
// simulated crash lands at a drawn byte of a real sync. Plain Node, no dependencies: doveadm
// runs its relay as root with an environment that has no PATH.
import { writeFileSync } from 'node:fs';

// Exit status for a bad command line or a program that cannot start.
export const USAGE_EXIT_CODE = 64;

/**
 * Counts for one session. `onKill` runs once, when the kill point is reached; `finish(code)`
 * writes the counts to `countsFile` and exits, once.
 */
export function countingPipe(countsFile, killAfterBytes, onKill) {
  const counts = { toServer: 0, fromServer: 0, killed: false };
  let finished = false;
  const finish = (code) => {
    if (finished) return;
    finished = true;
    writeFileSync(countsFile, JSON.stringify(counts));
    process.exit(code);
  };
  // How many of `length` bytes may pass before the kill point; all of them without one.
  const allowance = (length) => (killAfterBytes < 0 ? length : Math.max(0, Math.min(length, killAfterBytes - counts.toServer - counts.fromServer)));
  /** Passes what the kill point allows of `chunk` to `sink`; pauses `source` while `sink` is full. */
  const forward = (chunk, direction, sink, source) => {
    if (counts.killed) return;
    const pass = allowance(chunk.length);
    const part = pass === chunk.length ? chunk : chunk.subarray(0, pass);
    counts[direction] += part.length;
    if (part.length > 0 && !sink.write(part) && source !== undefined) {
      source.pause();
      sink.once('drain', () => source.resume());
    }
    if (killAfterBytes >= 0 && counts.toServer + counts.fromServer >= killAfterBytes) {
      counts.killed = true;
      onKill();
    }
  };
  return { counts, finish, forward };
}

/** The arguments after the fixed ones, with the kill point parsed; null on a bad command line. */
export function parseRelayArgs(argv, fixed) {
  const values = argv.slice(2);
  const named = values.slice(0, fixed);
  const [killArg, program, ...args] = values.slice(fixed);
  const killAfterBytes = Number(killArg);
  if (named.length < fixed || named.some((v) => v === undefined) || program === undefined || !Number.isInteger(killAfterBytes)) return null;
  return { named, killAfterBytes, program, args };
}
