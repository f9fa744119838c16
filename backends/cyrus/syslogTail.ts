/**
 * What a Cyrus instance logged, for its failures to quote: the file the preloaded syslog shim
 * appends to (cyrusEnv.ts, syslogToFile.c).
 */
import { readFileSync } from 'node:fs';

/** How many of an instance's last syslog lines a failure quotes. */
export const SYSLOG_TAIL_LINES_MAX = 12;
/** Syslog's debug priority: Cyrus logs a line per freed object at it, noise in a failure. */
const DEBUG_PRIORITY = '<7>';

/** The last lines an instance logged (debug lines left out), or '' when it logged none. */
export function syslogTail(syslogFile: string): string {
  let text: string;
  try {
    text = readFileSync(syslogFile, 'utf8');
  } catch {
    return '';
  }
  const lines = text.split('\n').filter((line) => line !== '' && !line.includes(`] ${DEBUG_PRIORITY}: `));
  return lines.slice(-SYSLOG_TAIL_LINES_MAX).join('\n');
}
