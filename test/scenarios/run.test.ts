// Proves that runScenario runs a scenario end to end: dsync-uid-clash merges to the textbook UIDs, the result carries seed, expect, overrides and a replay command, and a replay with the faults as run gives the same history hash.
import { describe, expect, it } from 'vitest';
import { allMessages } from '../../core/messageMap.ts';
import { loadScenario, parseScenarioText } from '../../scenarios/loader.ts';
import { replayCommandFor, runScenario, shellWord } from '../../scenarios/run.ts';

const clash = new URL('../../scenarios/dsync-uid-clash.yaml', import.meta.url).pathname;

describe('runScenario', () => {
  it('dsync-uid-clash: A keeps UID 8, the four clashing messages get 9-12, UIDNEXT 13, UIDVALIDITY unchanged', async () => {
    const loaded = await loadScenario(clash);
    const { result, outcome } = await runScenario(loaded, 1);
    expect(result.scenarioName).toBe('dsync-uid-clash');
    expect(result.strategy).toBe('renumber');
    expect(result.expect).toBe('valid');
    expect(result.seed).toBe(1);
    expect(result.replayCommand).toBe(`mailsim run ${clash} --seed 1`);
    expect(outcome.finals).toHaveLength(2);
    const [a, b] = outcome.finals;
    expect(a!.treeId).toBe(b!.treeId);
    const inbox = a!.state.mailboxes.get('INBOX')!;
    const messages = [...allMessages(inbox.messages)];
    const uids = messages.map((m) => m.uid).sort((x, y) => x - y);
    expect(uids).toEqual([1, 2, 3, 4, 5, 8, 9, 10, 11, 12]);
    expect(inbox.uidNext).toBe(13);
    expect(outcome.metrics.uidValidityChangeCount).toBe(0);
    // Four messages changed UID (A's 6 and 7, B's 6 and 7), each counted once.
    expect(outcome.metrics.renumberedMessageCount).toBe(4);
    // The message A delivered third (UID 8 on A) kept its UID.
    const aDeliveries = outcome.history.filter((r) => r.process === 'script-A' && r.f === 'deliver' && r.type === 'ok');
    const third = aDeliveries[2]!.value as { uid: number; guid: string };
    expect(third.uid).toBe(8);
    expect(messages.find((m) => m.guid === third.guid)?.uid).toBe(8);
  });

  it('records overrides and replays to the same history hash with the faults as run', async () => {
    const loaded = await loadScenario(clash, ['syncIntervalMs=700']);
    const first = await runScenario(loaded, 5);
    expect(first.result.overrides).toEqual(['syncIntervalMs=700']);
    expect(first.result.replayCommand).toBe(`mailsim run ${clash} --seed 5 --set syncIntervalMs=700`);
    const again = await runScenario(loaded, 5, { faults: first.outcome.faultsAsRun });
    expect(again.result.historyHash).toBe(first.result.historyHash);
  });

  it('quotes shell words only when needed', () => {
    expect(shellWord('network.loss=0.05')).toBe('network.loss=0.05');
    expect(shellWord("name=it's")).toBe(`'name=it'\\''s'`);
    const loaded = parseScenarioText('name: x\n', 'my file.yaml', ['servers=[a, b]']);
    expect(replayCommandFor(loaded, 3)).toBe(`mailsim run 'my file.yaml' --seed 3 --set 'servers=[a, b]'`);
  });
});

describe('scripted operations', () => {
  it('on two partitioned servers are two clients: move-vs-move at its own seed is valid, and each server has its own script client', async () => {
    // Recorded as one client, the operations on both sides of the partition looked like a
    // client that failed over between them and was told Trash UID 1 by each: a violation
    // of no strategy, since nobody saw both sides.
    const loaded = await loadScenario(new URL('../../scenarios/move-vs-move.yaml', import.meta.url).pathname);
    const { result, outcome } = await runScenario(loaded, 4);
    expect(result.verdict).toBe('valid');
    const scripted = new Set(outcome.history.filter((r) => r.process.startsWith('script')).map((r) => r.process));
    expect([...scripted].sort()).toEqual(['script-a', 'script-b']);
  });
});

describe('the session guarantee of IMAP clients', () => {
  it('a client failing over to a replica that has not applied what it saw is refused, not shown a reused UID', async () => {
    // Seed 41 of power-crash-mid-commit: imap-1 moved a message to Archive on b and was told
    // UID 34; b lost power, the client failed over to a, whose Archive had handed out its own
    // UID 34 meanwhile (a concurrent history, with UIDNEXT not lower). Judged by UIDNEXT and
    // HIGHESTMODSEQ alone, a served it and uid-stable failed. Judged by what the client was
    // told (UID 34 of Archive names the moved message), a refuses until it reflects that.
    const loaded = await loadScenario(new URL('../../scenarios/power-crash-mid-commit.yaml', import.meta.url).pathname);
    const { result, outcome } = await runScenario(loaded, 41);
    expect(result.checks['uid-stable']?.verdict).toBe('valid');
    const refused = outcome.history.filter((r) => r.type === 'fail' && String((r.value as { reason?: string }).reason).includes('NO [UNAVAILABLE]'));
    expect(refused.length).toBeGreaterThan(0);
  });
});
