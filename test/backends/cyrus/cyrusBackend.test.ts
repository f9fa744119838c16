// Proves the Cyrus backend runs the library's scenarios on real Cyrus IMAP through the same
// seam, history and checkers as the reference replica: the textbook split brain reads back as
// Cyrus repairs it (A's 8 kept, the clashing four at 9-12, UIDNEXT 13, UIDVALIDITY unchanged),
// and concurrent flag changes are not merged: the master's record overwrites the replica's,
// which no-lost-flags catches (a real-world negative control), while the reference replica
// keeps both writes. A session killed at a byte point fails and says so.
import { mkdtemp, chmod, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cyrusInstalled } from '../../../backends/cyrus/cyrusEnv.ts';
import { createCyrusHome } from '../../../backends/cyrus/cyrusHome.ts';
import { CYRUS_ADMIN, cyrusEndpoint } from '../../../backends/cyrus/cyrusImap.ts';
import { createCyrusUser, realCyrus } from '../../../backends/cyrus/cyrusBackend.ts';
import { cyrusSync } from '../../../backends/cyrus/syncSession.ts';
import { withImap } from '../../../backends/dovecot/imapStdio.ts';
import { overrideSetsFor } from '../../../cli/compareRuns.ts';
import { allMessages } from '../../../core/messageMap.ts';
import { expectDeleteDropsDelivery, expectTextbookSplitBrain, runLibraryFile, whenInstalled } from '../realBackendRuns.ts';

const onCyrus = whenInstalled(cyrusInstalled(), 'Cyrus (.ci/install-cyrus unpacks it)', 'the runs on real Cyrus');
const run = runLibraryFile;

describe('replica: cyrus (real Cyrus IMAP)', () => {
  onCyrus('the textbook split brain: A keeps 8, the clashing four go to 9-12, UIDNEXT 13, UIDVALIDITY unchanged', async () => {
    const { result, outcome } = await run('scenarios/dsync-uid-clash.yaml', ['replica=cyrus']);
    expect(result.strategy).toBe('cyrus (real)');
    expect(result.verdict).toBe('valid');
    expectTextbookSplitBrain(outcome);
  }, 120_000);

  onCyrus('concurrent flag changes: the master overwrites the flag record, no-lost-flags says so; the reference replica keeps both', async () => {
    const real = await run('scenarios/controls/cyrus-flag-overwrite.yaml', []);
    expect(real.result.checks['no-lost-flags']?.verdict).toBe('invalid');
    expect(real.result.verdict).toBe('invalid');
    expect(real.result.checks['convergence']?.verdict).toBe('valid');
    for (const final of real.outcome.finals) {
      const second = [...allMessages(final.state.mailboxes.get('INBOX')!.messages)].find((m) => m.uid === 2);
      // A removed \Seen and B added \Flagged: A's record (no flags) replaced B's on both.
      expect(second?.flags).toEqual([]);
    }
    // The same writes on the reference replica (flag-trap.yaml, which runs both): \Flagged survives.
    const reference = await run('scenarios/flag-trap.yaml', ['replica=git']);
    expect(reference.result.checks['no-lost-flags']?.verdict).toBe('valid');
  }, 120_000);

  onCyrus('a split brain with a master cut off from two replicas: the message the replicas share is copied back twice, no-duplicates says so', async () => {
    const real = await run('scenarios/controls/cyrus-copy-back-duplicate.yaml', ['replica=cyrus']);
    expect(real.result.checks['no-duplicates']?.verdict).toBe('invalid');
    expect(real.result.verdict).toBe('invalid');
    for (const check of ['no-lost-mail', 'uid-stable', 'convergence']) expect(real.result.checks[check]?.verdict).toBe('valid');
    for (const final of real.outcome.finals) {
      const ids = [...allMessages(final.state.mailboxes.get('INBOX')!.messages)].map((m) => m.messageId);
      // Each record is a message of its own (the same bytes, so the same Cyrus GUID): one Message-ID twice.
      expect(ids.length - new Set(ids).size).toBe(1);
    }
  }, 120_000);

  onCyrus('a mailbox DELETE while the other side delivers into it: Cyrus loses the delivery, the reference replica recovers it into INBOX', async () => {
    await expectDeleteDropsDelivery('cyrus');
  }, 120_000);

  onCyrus('a delivery to a folder lands in that folder (the folder grants lmtpd the post right)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mailsim-cyrus-test-'));
    await chmod(root, 0o755);
    try {
      const home = await createCyrusHome(root, 'A', []);
      await createCyrusUser(home, ['INBOX', 'Archive']);
      await realCyrus.deliver!(home, 'Archive', new TextEncoder().encode('Message-ID: <f1@example.test>\r\n\r\nbody\r\n'));
      const boxes = new Map((await realCyrus.readMailboxes(home)).map((box) => [box.name, box.messages.map((m) => m.messageId)]));
      // Without the right, Cyrus files `test+Archive` mail in INBOX and the delivery is not found.
      expect(boxes.get('Archive')).toEqual(['<f1@example.test>']);
      expect(boxes.get('INBOX')).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);

  onCyrus('a session killed at a byte point fails and counts the bytes that passed', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mailsim-cyrus-test-'));
    await chmod(root, 0o755);
    try {
      const a = await createCyrusHome(root, 'A', ['B']);
      const b = await createCyrusHome(root, 'B', ['A']);
      await withImap(cyrusEndpoint(a, CYRUS_ADMIN), async (imap) => {
        expect((await imap.command('CREATE "user.test"')).status).toBe('OK');
      });
      await realCyrus.append(a, 'INBOX', new TextEncoder().encode('Message-ID: <k1@example.test>\r\n\r\nbody\r\n'), [], 1_764_326_400_000);
      const killed = await cyrusSync(a, b, 100);
      expect(killed.ok).toBe(false);
      expect(killed.killed).toBe(true);
      expect(killed.bytesToReplica + killed.bytesFromReplica).toBe(100);
      const whole = await cyrusSync(a, b);
      expect(whole.ok).toBe(true);
      expect(whole.bytesToReplica).toBeGreaterThan(100);
      expect((await realCyrus.readMailboxes(b))[0]?.messages.map((m) => m.messageId)).toEqual(['<k1@example.test>']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('compareReplicas with Cyrus', () => {
  it('a missing Cyrus skips its runs loudly and leaves the others', async () => {
    const lines: string[] = [];
    const sets = await overrideSetsFor('scenarios/flag-trap.yaml', [], { backendInstalled: (kind) => kind !== 'cyrus', warn: (line) => lines.push(line) });
    expect(sets).toEqual([[], ['replica=dsync']]);
    expect(lines).toEqual([expect.stringMatching(/^SKIPPED \(not run, not passed\): scenarios\/flag-trap.yaml under replica=cyrus: Cyrus is not installed/)]);
  });
});
