// Proves relay.mjs, dsync's counting remote command, without Dovecot: it passes bytes through unchanged, counts both ways, and at a kill point stops mid-stream and kills its child.
import { describe, it, expect } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RELAY_PATH } from '../../../backends/dovecot/dsyncSession.ts';
import { runProcess } from '../../../backends/dovecot/runProcess.ts';

const TIMEOUT_MS = 10_000;

async function tempDir(label: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `mailsim-${label}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

describe('relay.mjs', () => {
  it('pipes stdin to its child and the child back, and counts both ways', async () => {
    const tmp = await tempDir('relay');
    try {
      const counts = join(tmp.dir, 'counts.json');
      // `tr` answers every byte with one byte, so fromServer equals toServer.
      const input = Buffer.from('hello dsync\r\n'.repeat(1000));
      const result = await runProcess(process.execPath, [RELAY_PATH, counts, '-1', '/usr/bin/tr', 'a-z', 'A-Z'], { timeoutMs: TIMEOUT_MS, input });
      expect(result.exitCode).toBe(0);
      expect(result.stdout.toString()).toBe(input.toString().toUpperCase());
      expect(JSON.parse(await readFile(counts, 'utf8'))).toEqual({ toServer: input.length, fromServer: input.length, killed: false });
    } finally {
      await tmp.remove();
    }
  });

  it('at the kill point passes no byte more, kills the child and exits non-zero', async () => {
    const tmp = await tempDir('relay-kill');
    try {
      const counts = join(tmp.dir, 'counts.json');
      const result = await runProcess(process.execPath, [RELAY_PATH, counts, '7', '/bin/cat'], { timeoutMs: TIMEOUT_MS, input: Buffer.from('0123456789'.repeat(100)) });
      expect(result.exitCode).not.toBe(0);
      const written = JSON.parse(await readFile(counts, 'utf8')) as { toServer: number; fromServer: number; killed: boolean };
      expect(written.killed).toBe(true);
      expect(written.toServer + written.fromServer).toBe(7);
      expect(result.stdout.length).toBe(written.fromServer);
    } finally {
      await tmp.remove();
    }
  });
});
