/**
 * CPU time this process's finished children used, from Linux's /proc/self/stat (cutime and
 * cstime: the CPU of every child the process has waited for). Node offers no getrusage of
 * children; a real-client sync's program, Dovecot behind its tunnel and setpriv are such
 * children, so the difference across a sync is what they cost, whatever the machine's load.
 * Resolution is one clock tick (10 ms): meant to be summed over many syncs.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;
/** Fields of /proc/<pid>/stat after the command name, counted from 1 at the state field (field 3). */
const CUTIME_AFTER_COMM = 14;

/** CPU ms of waited-for children so far; null where /proc is not there to read. */
export function childCpuMs(): number | null {
  let text: string;
  try {
    text = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return null;
  }
  // The command name is in parentheses and may hold spaces: count from the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const cutime = Number(fields[CUTIME_AFTER_COMM - 1]);
  const cstime = Number(fields[CUTIME_AFTER_COMM]);
  if (!Number.isFinite(cutime) || !Number.isFinite(cstime)) return null;
  return ((cutime + cstime) * 1000) / TICKS_PER_S;
}
