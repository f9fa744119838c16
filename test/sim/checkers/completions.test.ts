// Proves completions fails a request without an ok, fail or info, a completion that answers nothing and a sender that gives up early, on hand-built histories (the real runs are in completions.runs.test.ts).
import { describe, expect, it } from 'vitest';
import { checkCompletions } from '../../../sim/checkers/completions.ts';
import { SMTP_ATTEMPTS_MAX, SMTP_BACKOFF_MS } from '../../../sim/clients.ts';
import { checkInput, HistoryBuilder } from './historyBuilder.ts';


function check(h: HistoryBuilder) {
  return checkCompletions(checkInput(h, []));
}

describe('completions (synthetic histories)', () => {
  it('is valid when every invoke ends once, a sender retries an unknown outcome, and a scripted client has several in flight', () => {
    const h = new HistoryBuilder();
    h.deliver('n1', { messageId: 'm1', attempt: 1 }, 'info');
    h.at(SMTP_BACKOFF_MS + 10).deliver('n2', { messageId: 'm1', attempt: 2, guid: 'g1' });
    h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Seen'] }, 'fail');
    // Two scripted deliveries queued at a paused server, answered in order when it resumes.
    h.record('n1', 'script-n1', 'invoke', 'deliver', { mailbox: 'INBOX', messageId: 's1', attempt: 1, sizeBytes: 1 });
    h.record('n1', 'script-n1', 'invoke', 'deliver', { mailbox: 'INBOX', messageId: 's2', attempt: 1, sizeBytes: 1 });
    h.record('n1', 'script-n1', 'ok', 'deliver', { mailbox: 'INBOX', messageId: 's1', attempt: 1, sizeBytes: 1 });
    h.record('n1', 'script-n1', 'ok', 'deliver', { mailbox: 'INBOX', messageId: 's2', attempt: 1, sizeBytes: 1 });
    const result = check(h);
    expect(result.verdict, result.explanation).toBe('valid');
    expect(result.judgedCount).toBe(5);
  });

  it('is valid when a retry was due only after the history ended, or the sender used every attempt', () => {
    const h = new HistoryBuilder();
    h.at(1_000).deliver('n1', { messageId: 'cut-off', attempt: 1 }, 'info');
    for (let attempt = 1; attempt <= SMTP_ATTEMPTS_MAX; attempt++) h.deliver('n1', { messageId: 'given-up', attempt }, 'fail', 'smtp-1');
    h.at(1_000 + SMTP_BACKOFF_MS).record('n1', 'net', 'info', 'send', { id: 1, from: 'n1', to: 'n2', kind: 'push' });
    expect(check(h).verdict).toBe('valid');
  });

  it("does not take a real client program's recorded edits and syncs for answers to requests", () => {
    const h = new HistoryBuilder();
    h.record('A', 'mbsync-0', 'info', 'client-edit', { messageId: '<a>', action: 'flag', guid: 'ga' });
    h.record('A', 'mbsync-0', 'info', 'client-sync', { status: 'ok', exitCode: 0, words: '', flagged: [], expunged: [], appended: [], missing: [], extra: [], localDuplicates: [], redownloadBytes: 0 });
    h.deliver('A', { messageId: 'm1', guid: 'g1' });
    expect(check(h).verdict).toBe('valid');
  });

  it('negative control: an invoke that never completes is invalid, with the invoke as evidence', () => {
    const h = new HistoryBuilder();
    h.deliver('n1', { messageId: 'm1' });
    const lost = h.record('n1', 'imap-2', 'invoke', 'store', { mailbox: 'INBOX', uidValidity: 1, uid: 1, guid: 'g', mode: '+', flags: ['\\Seen'] });
    h.select('n2', 'imap-1', { uidValidity: 1, uidNext: 2 });
    const result = check(h);
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([lost]);
    expect(result.judgedCount).toBe(3);
    expect(result.explanation).toContain("imap-2's store to n1 at 2 ms never got an ok, fail or info");
  });

  it('negative control: a second completion of one invoke is invalid', () => {
    const h = new HistoryBuilder();
    h.deliver('n1', { messageId: 'm1' }, 'info');
    const extra = h.record('n1', 'smtp-0', 'ok', 'deliver', { mailbox: 'INBOX', messageId: 'm1', attempt: 1, sizeBytes: 100 });
    h.at(100_000).deliver('n1', { messageId: 'm1', attempt: 2 });
    const result = check(h);
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([extra]);
    expect(result.explanation).toContain('answers no request in flight');
  });

  it('negative control: a sender that stops retrying an unknown outcome while the run goes on is invalid', () => {
    const h = new HistoryBuilder();
    const last = h.at(1_000).deliver('n1', { messageId: 'm1', attempt: 2 }, 'info').done;
    h.at(1_001 + 2 * SMTP_BACKOFF_MS).select('n2', 'imap-0', { uidValidity: 1, uidNext: 2 });
    const result = check(h);
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([last]);
    expect(result.explanation).toContain('smtp-0 stopped sending m1 after attempt 2 ended info');
  });
});
