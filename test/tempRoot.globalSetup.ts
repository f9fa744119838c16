// Every test run gets one temporary folder of its own, set as TMPDIR before the test workers
// start (they and the programs they run inherit it), and removed when the run ends: folders a
// test or a real server leaves behind, on success or failure, do not pile up in /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'mailsim-tests-'));
  process.env['TMPDIR'] = root;
  return () => rmSync(root, { recursive: true, force: true });
}
