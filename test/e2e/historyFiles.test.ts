// Proves `--history` and `--finals` of run and replay as a user runs them: every line of the history is a JSON record and the file hashes to the printed history hash (schedule hash on real Dovecot), the finals agree with the run's report and its history, both files are the same byte for byte for the same seed and for a replay, and a bad path is one line and exit 2 before anything runs.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dovecotInstalled } from '../../backends/dovecot/dovecotHome.ts';
import { historyHash, scheduleHash } from '../../sim/history.ts';
import type { HistoryRecord } from '../../sim/historyTypes.ts';
import type { RunResult } from '../../sim/resultTypes.ts';
import type { FinalsDocument, FinalsMailbox } from '../../reports/finalsFile.ts';
import { mailsim, STACK_LINE } from './mailsim.ts';

const TINY = 'test/e2e/fixtures/tiny-valid.yaml';
const CONTROL = 'scenarios/controls/keep-uids-both-deliver.yaml';
const RECORD_TYPES = ['invoke', 'ok', 'fail', 'info'];

const DOVECOT = dovecotInstalled();
if (!DOVECOT) {
  if (process.env.CI === 'true') throw new Error('Dovecot (/usr/lib/dovecot/imap, /usr/bin/doveadm) is missing on CI: install dovecot-imapd');
  console.warn('SKIPPED LOUDLY: Dovecot is not installed; --history and --finals were not tried on replica: dsync');
}

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'mailsim-history-'));

/** Runs `args` with --history and --finals into a fresh folder and reads both back. */
async function runWithFiles(args: readonly string[]): Promise<{ code: number | null; result: RunResult; lines: string[]; history: HistoryRecord[]; finals: FinalsDocument; historyText: string; finalsText: string }> {
  const dir = await tempDir();
  const historyFile = join(dir, 'history.jsonl');
  const finalsFile = join(dir, 'finals.json');
  const run = await mailsim([...args, '--history', historyFile, '--finals', finalsFile, '--json', '--out', dir]);
  expect(run.stderr).toBe('');
  const result = JSON.parse(run.stdout) as RunResult;
  expect(result).toMatchObject({ historyFile, finalsFile });
  const historyText = readFileSync(historyFile, 'utf8');
  const finalsText = readFileSync(finalsFile, 'utf8');
  expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  const lines = historyText.split('\n');
  expect(lines.pop()).toBe('');
  return { code: run.code, result, lines, history: lines.map((line) => JSON.parse(line) as HistoryRecord), finals: JSON.parse(finalsText) as FinalsDocument, historyText, finalsText };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Every record has the fields of the format, indexes count 0..n-1 and time never goes back. */
function expectWellFormed(history: readonly HistoryRecord[]): void {
  expect(history.length).toBeGreaterThan(10);
  let lastMs = 0;
  history.forEach((record, index) => {
    expect(Object.keys(record).sort()).toEqual(['f', 'index', 'node', 'process', 'timeMs', 'type', 'value']);
    expect(record.index).toBe(index);
    expect(RECORD_TYPES).toContain(record.type);
    expect(record.timeMs).toBeGreaterThanOrEqual(lastMs);
    lastMs = record.timeMs;
  });
  const processes = new Set(history.map((record) => record.process));
  for (const process of ['smtp-0', 'imap-0', 'nemesis', 'net', 'replica']) expect(processes).toContain(process);
}

/** UIDNEXT above every UID, HIGHESTMODSEQ at least every MODSEQ, flags split into system flags and keywords. */
function expectConsistentMailbox(mailbox: FinalsMailbox): void {
  for (const message of mailbox.messages) {
    expect(message.uid).toBeLessThan(mailbox.uidNext);
    expect(message.modseq).toBeLessThanOrEqual(mailbox.highestModseq);
    expect(message.flags.every((flag) => flag.startsWith('\\'))).toBe(true);
    expect(message.keywords.some((flag) => flag.startsWith('\\'))).toBe(false);
  }
  expect(mailbox.messages.map((m) => m.uid)).toEqual(mailbox.messages.map((m) => m.uid).sort((a, b) => a - b));
}

/** What the finals must agree with: the run's report (hash, seed, servers, convergence) and its history (acknowledged deliveries, bindings). */
function expectFinalsAgree(finals: FinalsDocument, result: RunResult, history: readonly HistoryRecord[], options: { modseqsCompared: boolean }): void {
  expect(finals).toMatchObject({ format: 'mailsim-finals/1', mailsimVersion: result.mailsimVersion, scenario: result.scenario, seed: result.seed, historyHash: result.historyHash });
  expect(finals.replicas.map((replica) => replica.node)).toEqual(result.timeline?.nodes);
  expect(result.checks.convergence?.verdict).toBe('valid');
  // The run says the replicas converged: their mailboxes agree (MODSEQs too, where replicas share them).
  const comparable = (replica: FinalsDocument['replicas'][number]): unknown =>
    replica.mailboxes.map((mailbox) => ({ ...mailbox, highestModseq: options.modseqsCompared ? mailbox.highestModseq : 0, messages: mailbox.messages.map((m) => ({ ...m, guid: '', modseq: options.modseqsCompared ? m.modseq : 0 })) }));
  for (const replica of finals.replicas) {
    expect(comparable(replica)).toEqual(comparable(finals.replicas[0] as FinalsDocument['replicas'][number]));
    for (const mailbox of replica.mailboxes) expectConsistentMailbox(mailbox);
  }
  // The run says no acknowledged message was lost (and this workload expunges nothing): each is on every replica.
  expect(result.checks['no-lost-mail']?.verdict).toBe('valid');
  const acknowledged = history.filter((r) => r.f === 'deliver' && r.process.startsWith('smtp-') && r.type === 'ok').map((r) => (r.value as { messageId: string }).messageId);
  expect(acknowledged.length).toBeGreaterThan(0);
  for (const replica of finals.replicas) {
    const present = new Set(replica.mailboxes.flatMap((mailbox) => mailbox.messages.map((m) => m.messageId)));
    for (const messageId of acknowledged) expect(present).toContain(messageId);
  }
  // Every UID a replica ends with was bound on that replica, as its history records it.
  const bound = new Set(history.filter((r) => r.f === 'bind').map((r) => { const v = r.value as { mailbox: string; uidValidity: number; uid: number }; return `${r.node} ${v.mailbox} ${v.uidValidity} ${v.uid}`; }));
  for (const replica of finals.replicas) {
    for (const mailbox of replica.mailboxes) for (const m of mailbox.messages) expect(bound).toContain(`${replica.node} ${mailbox.name} ${mailbox.uidValidity} ${m.uid}`);
  }
}

describe('mailsim run --history --finals (the reference replica)', () => {
  it('writes one JSON record a line hashing to the printed history hash, and finals that agree with the run; the same seed gives the same bytes', async () => {
    const first = await runWithFiles(['run', TINY]);
    expect(first.code).toBe(0);
    expectWellFormed(first.history);
    expect(first.history.some((record) => record.process === 'nemesis' && (record.value as { kind: string }).kind === 'partition')).toBe(true);
    expect(sha256(first.historyText)).toBe(first.result.historyHash);
    expect(historyHash(first.history)).toBe(first.result.historyHash);
    expect(first.finals.replicas.every((replica) => replica.ownModseqs === false && /^[0-9a-f]{40}$/.test(replica.head ?? ''))).toBe(true);
    expectFinalsAgree(first.finals, first.result, first.history, { modseqsCompared: true });

    const second = await runWithFiles(['run', TINY]);
    expect(second.historyText).toBe(first.historyText);
    expect(second.finalsText).toBe(first.finalsText);
  });

  it('prints what it wrote, with the record count, in the human report', async () => {
    const dir = await tempDir();
    const run = await mailsim(['run', TINY, '--history', join(dir, 'h.jsonl'), '--finals', join(dir, 'f.json'), '--out', dir]);
    expect(run.code).toBe(0);
    const count = readFileSync(join(dir, 'h.jsonl'), 'utf8').split('\n').length - 1;
    expect(run.stdout).toContain(`history: ${join(dir, 'h.jsonl')} (${count} records)\nfinals: ${join(dir, 'f.json')} (2 replicas)\n`);
  });

  it('replay writes the same history as the run it replays, byte for byte', async () => {
    const run = await runWithFiles(['run', CONTROL, '--set', 'expect=valid']);
    expect(run.code).toBe(1);
    expect(sha256(run.historyText)).toBe(run.result.historyHash);
    const dir = await tempDir();
    const replay = await mailsim(['replay', run.result.failureFile as string, '--history', join(dir, 'h.jsonl'), '--finals', join(dir, 'f.json'), '--json']);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ identical: true, historyFile: join(dir, 'h.jsonl'), finalsFile: join(dir, 'f.json') });
    expect(readFileSync(join(dir, 'h.jsonl'), 'utf8')).toBe(run.historyText);
    const finals = JSON.parse(readFileSync(join(dir, 'f.json'), 'utf8')) as FinalsDocument;
    // The failure file pins the scenario's path as given; everything else is the run's.
    expect({ ...finals, scenario: '' }).toEqual({ ...run.finals, scenario: '' });
    const refused = await mailsim(['replay', run.result.failureFile as string, '--finals', join(dir, 'missing', 'f.json')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^mailsim: --finals .*: cannot create a file in .* \[E_OUTPUT\]\n$/);
  });

  it('refuses a path it cannot write, a folder, and one file for both, with one line and exit 2 before running', async () => {
    const dir = await tempDir();
    const cases: [string[], RegExp][] = [
      [['--history', join(dir, 'missing', 'h.jsonl')], /^mailsim: --history .*missing.*h\.jsonl: cannot create a file in .*ENOENT.* \[E_OUTPUT\]\n$/],
      [['--finals', dir], /^mailsim: --finals .*: is a folder, not a file \[E_OUTPUT\]\n$/],
      [['--history', join(dir, 'x'), '--finals', join(dir, '.', 'x')], /^mailsim: --finals .*: is the --history file too; give them different paths \[E_OUTPUT\]\n$/],
    ];
    for (const [flags, message] of cases) {
      const run = await mailsim(['run', TINY, ...flags]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).not.toMatch(STACK_LINE);
      expect(run.stderr).toMatch(message);
    }
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});

describe.skipIf(!DOVECOT)('mailsim run --history --finals on real Dovecot (replica: dsync)', () => {
  it('writes the whole history, hashing to the printed schedule hash, and finals read back from Dovecot that agree with the run', async () => {
    const run = await runWithFiles(['run', TINY, '--set', 'replica=dsync', '--set', 'layout=']);
    expect(run.code).toBe(0);
    expectWellFormed(run.history);
    expect(scheduleHash(run.history)).toBe(run.result.historyHash);
    expect(run.finals.replicas.every((replica) => replica.ownModseqs && replica.head === null)).toBe(true);
    expectFinalsAgree(run.finals, run.result, run.history, { modseqsCompared: false });
  });
});
