// Proves real-clients judges offline edits and what a program did on the server from the history alone: lost edits are the price (with why), an action on a message its user never touched is invalid, a failed program makes the verdict unknown in its own words.
import { describe, expect, it } from 'vitest';
import { checkRealClients } from '../../../sim/checkers/realClients.ts';
import { judgeRealClients } from '../../../sim/checkers/realClientJudge.ts';
import type { ClientEditValue, ClientSyncValue } from '../../../sim/historyTypes.ts';
import { checkInput, converged, HistoryBuilder, mailbox } from './historyBuilder.ts';

const P = 'mbsync-0';
const finals = converged(['A', 'B'], [mailbox('INBOX', [])]);

function edit(h: HistoryBuilder, messageId: string, action: ClientEditValue['action'], guid = `g-${messageId}`): number {
  return h.record('A', P, 'info', 'client-edit', { messageId, action, guid });
}

function sync(h: HistoryBuilder, value: Partial<ClientSyncValue> = {}, process = P): number {
  const full: ClientSyncValue = { status: 'ok', exitCode: 0, words: '', flagged: [], expunged: [], appended: [], missing: [], extra: [], localDuplicates: [], redownloadBytes: 0, ...value };
  return h.record('A', process, 'info', 'client-sync', full);
}

describe('real-clients', () => {
  it('is not-applicable with judgedCount 0 when no real client ran', () => {
    const result = checkRealClients(checkInput(new HistoryBuilder(), finals));
    expect(result).toMatchObject({ verdict: 'not-applicable', count: 0, judgedCount: 0 });
  });

  it('counts edits the sync carried as reached and is valid', () => {
    const h = new HistoryBuilder();
    sync(h);
    edit(h, '<a>', 'flag');
    edit(h, '<b>', 'delete');
    sync(h, { flagged: [{ messageId: '<a>', added: ['\\Flagged'], removed: [] }], expunged: ['<b>'] });
    const result = checkRealClients(checkInput(h, finals));
    expect(result.verdict).toBe('valid');
    expect(result.judgedCount).toBe(4);
    expect(result.costs).toMatchObject({ editCount: 2, editsLost: 0 });
    expect(judgeRealClients(h.records).edits.map((e) => e.fate)).toEqual(['reached', 'reached']);
  });

  it('counts a flag another client set on the message before the sync as reached, and the same edit with no such STORE as lost', () => {
    const build = (otherStore: boolean): HistoryBuilder => {
      const h = new HistoryBuilder();
      sync(h);
      edit(h, '<a>', 'flag', 'ga');
      if (otherStore) h.store('A', 'mbsync-1', { uid: 3, guid: 'ga', mode: '+', flags: ['\\Flagged'] }, 'ok', { flagsAfter: ['\\Flagged'] });
      // The program found \Flagged already on the server: nothing to carry.
      sync(h);
      return h;
    };
    expect(judgeRealClients(build(true).records).edits[0]).toMatchObject({ fate: 'reached' });
    expect(judgeRealClients(build(false).records).edits[0]).toMatchObject({ fate: 'lost', why: 'not carried by the sync' });
  });

  it('reports an edit lost on a renumbered message as the price, with why, not as a violation', () => {
    const h = new HistoryBuilder();
    sync(h);
    edit(h, '<a>', 'flag', 'ga');
    h.bind('B', { uid: 9, guid: 'ga' });
    sync(h, { redownloadBytes: 500 });
    const result = checkRealClients(checkInput(h, finals));
    expect(result.verdict).toBe('valid');
    expect(result.costs).toMatchObject({ editsLost: 1, redownloadBytes: 500 });
    expect(judgeRealClients(h.records).edits[0]).toMatchObject({ fate: 'lost', why: 'renumbered' });
  });

  it('names a UIDVALIDITY change and a refused sync as why edits were lost', () => {
    const h = new HistoryBuilder();
    sync(h);
    edit(h, '<a>', 'seen');
    h.validityChange('A', 'INBOX', 1, 2);
    sync(h);
    edit(h, '<b>', 'seen');
    sync(h, { status: 'refused', exitCode: 1, words: 'UIDVALIDITY genuinely changed' });
    const judgement = judgeRealClients(h.records);
    expect(judgement.edits.map((e) => e.why)).toEqual(['UIDVALIDITY changed', 'sync refused']);
    expect(judgement.syncsRefused).toBe(1);
    expect(checkRealClients(checkInput(h, finals)).verdict).toBe('valid');
  });

  it('negative control: a flag set on a message its user never edited is invalid', () => {
    const h = new HistoryBuilder();
    sync(h);
    edit(h, '<a>', 'flag');
    const bad = sync(h, { flagged: [{ messageId: '<other>', added: ['\\Flagged'], removed: [] }] });
    const result = checkRealClients(checkInput(h, finals));
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([bad]);
    expect(result.explanation).toContain('<other>');
    expect(judgeRealClients(h.records).misapplied).toHaveLength(1);
  });

  it('negative control: an expunge its user did not ask for, and an upload, are invalid', () => {
    const h = new HistoryBuilder();
    sync(h);
    edit(h, '<a>', 'delete');
    sync(h, { expunged: ['<b>'], appended: ['<c>'] });
    const result = checkRealClients(checkInput(h, finals));
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(2);
    expect(judgeRealClients(h.records).duplicates).toBe(1);
  });

  it('negative control: a client whose last sync leaves it without a server message is invalid; an earlier one is not judged', () => {
    const h = new HistoryBuilder();
    sync(h, { missing: ['<x>'] });
    expect(checkRealClients(checkInput(h, finals)).verdict).toBe('invalid');
    sync(h);
    expect(checkRealClients(checkInput(h, finals)).verdict).toBe('valid');
  });

  it('is unknown, in the program\'s own words, when a sync failed and nothing is invalid', () => {
    const h = new HistoryBuilder();
    sync(h);
    edit(h, '<a>', 'flag');
    sync(h, { status: 'failed', exitCode: null, words: 'no answer within 30000 ms' });
    const result = checkRealClients(checkInput(h, finals));
    expect(result.verdict).toBe('unknown');
    expect(result.explanation).toContain('no answer within 30000 ms');
    expect(judgeRealClients(h.records).edits[0]?.fate).toBe('unknown');
  });

  it('leaves an edit no sync followed unjudged, and keeps clients apart', () => {
    const h = new HistoryBuilder();
    sync(h, {}, 'offlineimap-1');
    edit(h, '<a>', 'flag');
    sync(h, {}, 'offlineimap-1');
    const judgement = judgeRealClients(h.records);
    expect(judgement.edits.map((e) => e.fate)).toEqual(['unsynced']);
    expect(checkRealClients(checkInput(h, finals)).judgedCount).toBe(2);
  });
});
