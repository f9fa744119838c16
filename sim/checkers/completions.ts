/**
 * completions: every client request ends, and no client stops while it still had work.
 *
 * - Each invoke gets exactly one completion (ok, fail or info) by the end of the run. A client
 *   process's completions answer its invokes of the same kind in the order they were made
 *   (a scripted client may have several in flight: a paused server answers them in order).
 *   An invoke left without one is a violation, and so is a completion that answers no invoke.
 * - A sender does not give up early: the workload hands new work only to idle clients, so the
 *   only work a client holds besides its request in flight is an SMTP message it has not
 *   delivered. A deliver whose last attempt ended without ok (fail, or info: outcome unknown)
 *   must be tried again with the same Message-ID while attempts remain (SMTP_ATTEMPTS_MAX),
 *   once its backoff (SMTP_BACKOFF_MS x attempt) has passed. It is a violation when the history
 *   goes on past that due time (a later record exists: the run still had time) without a
 *   later attempt. A retry due after the history ends was cut off by the end of the run and
 *   is not counted.
 *
 * judgedCount: the client invokes judged.
 */
import type { HistoryRecord } from '../historyTypes.ts';
import type { CheckResult } from '../resultTypes.ts';
import { SMTP_ATTEMPTS_MAX, SMTP_BACKOFF_MS } from '../clients.ts';
import { NON_CLIENT_PROCESSES, isNumber } from './historyView.ts';
import type { CheckInput } from './types.ts';
import { Violations } from './violations.ts';

/** An SMTP client's deliveries: processes `smtp-<n>` retry; scripted ones do not. */
const SMTP_PROCESS = /^smtp-\d+$/;

/** The last ended attempt of one Message-ID. */
interface LastAttempt {
  readonly attempt: number;
  readonly ok: boolean;
  readonly record: HistoryRecord;
}

export function checkCompletions(input: CheckInput): CheckResult {
  const violations = new Violations();
  const judgedCount = pairCompletions(input.history, violations);
  const endMs = input.history.at(-1)?.timeMs ?? 0;
  for (const last of lastAttempts(input.history).values()) {
    if (last.ok || last.attempt >= SMTP_ATTEMPTS_MAX) continue;
    const dueMs = last.record.timeMs + SMTP_BACKOFF_MS * last.attempt;
    if (endMs <= dueMs) continue;
    const { process, value } = last.record;
    const messageId = (value as { messageId?: unknown }).messageId;
    violations.add([last.record.index], `${process} stopped sending ${String(messageId)} after attempt ${last.attempt} ended ${last.record.type} at ${last.record.timeMs} ms: its retry was due at ${dueMs} ms and the run went on to ${endMs} ms`);
  }
  return violations.result('client requests that did not end, or senders that gave up early', { count: judgedCount, what: 'client requests' }, `each of ${judgedCount} client requests got exactly one completion, and every sender retried while it had work`);
}

/** Matches completions to invokes per process and kind, first in first answered; returns how many invokes it judged. */
/** What a real client program's user and sync did, recorded as observations: they answer no request. */
const REAL_CLIENT_OBSERVATIONS: ReadonlySet<string> = new Set(['client-edit', 'client-sync']);

function pairCompletions(history: readonly HistoryRecord[], violations: Violations): number {
  const inFlight = new Map<string, HistoryRecord[]>();
  let judged = 0;
  for (const record of history) {
    if (NON_CLIENT_PROCESSES.has(record.process) || REAL_CLIENT_OBSERVATIONS.has(record.f)) continue;
    const key = `${record.process} ${record.f}`;
    const queue = inFlight.get(key) ?? [];
    inFlight.set(key, queue);
    if (record.type === 'invoke') {
      judged++;
      queue.push(record);
      continue;
    }
    if (queue.shift() === undefined) violations.add([record.index], `${record.process} got a ${record.type} ${record.f} at ${record.timeMs} ms that answers no request in flight`);
  }
  for (const queue of inFlight.values()) {
    for (const invoke of queue) violations.add([invoke.index], `${invoke.process}'s ${invoke.f} to ${invoke.node} at ${invoke.timeMs} ms never got an ok, fail or info`);
  }
  return judged;
}

/** Per Message-ID of an SMTP client, its last attempt that ended (a later invoke clears it: a retry was made). */
function lastAttempts(history: readonly HistoryRecord[]): Map<string, LastAttempt> {
  const last = new Map<string, LastAttempt>();
  for (const record of history) {
    if (record.f !== 'deliver' || !SMTP_PROCESS.test(record.process)) continue;
    const value = record.value as { messageId?: unknown; attempt?: unknown };
    if (typeof value.messageId !== 'string' || !isNumber(value.attempt)) continue;
    const key = `${record.process} ${value.messageId}`;
    if (record.type === 'invoke') last.delete(key);
    else last.set(key, { attempt: value.attempt, ok: record.type === 'ok', record });
  }
  return last;
}
