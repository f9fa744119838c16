// Every test run gets one temporary folder of its own, set as TMPDIR before the test workers
// start (they and the programs they run inherit it), and removed when the run ends: folders a
// test or a real server leaves behind, on success or failure, do not pile up in /tmp.
// Each vitest project runs the global setup; the first one's folder serves them all.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MARKER_ENV = 'MAILSIM_TEST_TMPDIR';
/** Real servers run as nobody (Dovecot's and Cyrus's unprivileged processes) and must enter it. */
const ROOT_MODE = 0o755;

export default function setup(): () => void {
  if (process.env[MARKER_ENV] !== undefined) return () => {};
  const root = mkdtempSync(join(tmpdir(), 'mailsim-tests-'));
  chmodSync(root, ROOT_MODE);
  process.env[MARKER_ENV] = root;
  process.env['TMPDIR'] = root;
  return () => rmSync(root, { recursive: true, force: true });
}
