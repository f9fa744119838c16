/**
 * real-clients: what real IMAP client programs (mbsync, offlineimap) did with their users'
 * offline edits and with the server's mail (./realClientJudge.ts). Invalid: a program set or
 * removed a flag on a message its user never edited, expunged or uploaded again a server
 * message its user did not ask it to, or ended its last sync holding other messages than the
 * server's. Not violations but the price, in `costs`: edits lost (renumbered messages, a new
 * UIDVALIDITY, refused syncs), refused syncs, bytes downloaded again. A program that hung,
 * crashed or printed what could not be read makes the verdict unknown, in its own words.
 */
import type { CheckResult } from '../resultTypes.ts';
import type { CheckInput } from './types.ts';
import { judgeRealClients, type RealClientJudgement } from './realClientJudge.ts';
import { Violations, notApplicableResult, unknownResult } from './violations.ts';

/** The price a run's real clients paid, as the checker's costs (counts and bytes). */
export function realClientCosts(judgement: RealClientJudgement): Record<string, number> {
  return {
    editCount: judgement.edits.length,
    editsLost: judgement.edits.filter((e) => e.fate === 'lost').length,
    syncsRefused: judgement.syncsRefused,
    redownloadBytes: judgement.redownloadBytes,
  };
}

/** Synced offline edits plus real-client syncs. */
const JUDGED_WHAT = 'synced offline edits and real-client syncs';

export function checkRealClients(input: CheckInput): CheckResult {
  const judgement = judgeRealClients(input.history);
  const judgedCount = judgement.edits.filter((e) => e.fate !== 'unsynced').length + judgement.syncCount;
  const judged = { count: judgedCount, what: JUDGED_WHAT };
  if (judgement.syncCount === 0 && judgement.edits.length === 0) return notApplicableResult({ count: 0, what: JUDGED_WHAT });
  const violations = new Violations();
  for (const wrong of judgement.misapplied) violations.add([wrong.index], wrong.note);
  for (const wrong of judgement.serverDamage) violations.add([wrong.index], wrong.note);
  for (const wrong of judgement.wrongHoldings) violations.add([wrong.index], wrong.note);
  const costs = realClientCosts(judgement);
  const lost = judgement.edits.filter((e) => e.fate === 'lost');
  const whyLost = [...new Set(lost.map((e) => e.why ?? ''))].join(', ');
  const failure = judgement.failures[0];
  if (violations.count === 0 && failure !== undefined) {
    return unknownResult(`${failure.process} did not complete a sync (record ${failure.index}): ${failure.words || 'it said nothing'}`, judged, costs);
  }
  const valid = `${judgement.edits.length} offline edits over ${judgement.syncCount} real-client syncs; none landed on another message and no program touched mail its user did not; ${lost.length} edits lost as the price${lost.length > 0 ? ` (${whyLost})` : ''}, ${judgement.syncsRefused} syncs refused`;
  return violations.result('real-client actions on messages their users did not touch', judged, valid, costs);
}
