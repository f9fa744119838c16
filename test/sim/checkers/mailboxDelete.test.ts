// Proves the checkers read a mailbox DELETE as the removal of what its server held there, accept a concurrent delivery into the deleted mailbox recovered into INBOX, and still catch that delivery lost or a deleted message back.
import { describe, expect, it } from 'vitest';
import { checkNoLostMail } from '../../../sim/checkers/noLostMail.ts';
import { checkNoResurrection } from '../../../sim/checkers/noResurrection.ts';
import { checkMoveAtomic } from '../../../sim/checkers/moveAtomic.ts';
import { checkInput, converged, finalReplica, HistoryBuilder, mailbox, message } from './historyBuilder.ts';

/** A deletes Archive (holding g1, g2) while B delivers g9 into it and moves g2 out to INBOX. */
function history(deleteOutcome: 'ok' | 'info' | 'fail' = 'ok'): { h: HistoryBuilder; delivered: number; deleted: number } {
  const h = new HistoryBuilder();
  const deleted = h.op('A', 'script-A', 'delete', { mailbox: 'Archive', guids: ['g1', 'g2'] }, deleteOutcome, deleteOutcome === 'ok' ? { guids: ['g1', 'g2'] } : { reason: 'crash' }).done;
  const delivered = h.deliver('B', { mailbox: 'Archive', messageId: 'm9', guid: 'g9', uid: 3 }).done;
  h.transfer('move', 'B', 'script-B', { from: 'Archive', to: 'INBOX', uid: 2, guid: 'g2' }, 'ok', { toUid: 5 });
  return { h, delivered, deleted };
}

describe('mailbox DELETE in the checkers', () => {
  it('no-lost-mail: a delivery into a mailbox deleted meanwhile may end in INBOX (recovered)', () => {
    const { h } = history();
    const result = checkNoLostMail(checkInput(h, converged(['A', 'B'], [mailbox('INBOX', [message('g9', 6)])])));
    expect(result.verdict).toBe('valid');
  });

  it('negative control: that delivery gone from every mailbox is invalid, evidence at its ack', () => {
    const { h, delivered } = history();
    const result = checkNoLostMail(checkInput(h, converged(['A', 'B'], [mailbox('INBOX', [])])));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([delivered]);
    expect(result.explanation).toContain('Archive or INBOX');
  });

  it('a failed DELETE removed nothing: the delivery must stay in Archive, INBOX is no excuse', () => {
    const { h } = history('fail');
    const result = checkNoLostMail(checkInput(h, converged(['A', 'B'], [mailbox('INBOX', [message('g9', 6)]), mailbox('Archive', [])])));
    expect(result.verdict).toBe('invalid');
  });

  it('no-resurrection: a message the DELETE removed, back in a final state, is invalid', () => {
    const { h, deleted } = history();
    const ok = checkNoResurrection(checkInput(h, converged(['A', 'B'], [mailbox('INBOX', [message('g9', 6)])])));
    expect(ok.verdict).toBe('valid');
    const back = checkNoResurrection(checkInput(h, [finalReplica('A', [mailbox('INBOX', []), mailbox('Archive', [message('g1', 1)])]), finalReplica('B', [mailbox('INBOX', [])], 'tree-2')]));
    expect(back.verdict).toBe('invalid');
    expect(back.evidence).toContain(deleted);
  });

  it('move-atomic: a message moved out of the mailbox the DELETE removed may be gone (the delete reached it); with no DELETE it may not', () => {
    const { h } = history();
    expect(checkMoveAtomic(checkInput(h, converged(['A', 'B'], [mailbox('INBOX', [message('g9', 6)])]))).verdict).toBe('valid');
    const { h: failed } = history('fail');
    expect(checkMoveAtomic(checkInput(failed, converged(['A', 'B'], [mailbox('INBOX', [message('g9', 6)])]))).verdict).toBe('invalid');
  });
});
