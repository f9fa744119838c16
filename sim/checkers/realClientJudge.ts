/**
 * What real client programs did to their users' offline edits and to the server, judged from
 * the history alone (records `client-edit` and `client-sync`, sim/realClients.ts), keyed by
 * Message-ID. Pure: the real-clients checker and the run metrics both read it.
 *
 * An edit is judged at the client's first sync after it: `reached` when that sync carried its
 * effect to the server (the flag set, the message expunged), `lost` when it did not (with why:
 * the sync was refused, the message was renumbered or its UIDVALIDITY changed meanwhile, it
 * was expunged on the server), `unknown` when the program failed, `unsynced` when no sync
 * followed. A sync's own changes are judged against the edits its user made: a flag set, a
 * message expunged or a message uploaded that no edit asked for is the program acting on the
 * wrong message.
 */
import type { ClientEditValue, ClientSyncValue, HistoryRecord } from '../historyTypes.ts';
import { REAL_CLIENT_MAILBOX, editFlag } from '../realClientTypes.ts';

export type EditFate = 'reached' | 'lost' | 'unknown' | 'unsynced';

export interface JudgedEdit {
  readonly index: number;
  readonly process: string;
  readonly messageId: string;
  readonly action: ClientEditValue['action'];
  readonly fate: EditFate;
  /** Why a lost edit was lost. */
  readonly why?: string;
}

/** Something a program did on the server or left locally that its user did not ask for. */
export interface RealClientWrong {
  /** The client-sync record that shows it. */
  readonly index: number;
  readonly process: string;
  readonly note: string;
}

export interface RealClientJudgement {
  readonly edits: readonly JudgedEdit[];
  /** Flags set or removed on a message no edit of the user asked to change. */
  readonly misapplied: readonly RealClientWrong[];
  /** Server messages expunged or uploaded again without the user asking. */
  readonly serverDamage: readonly RealClientWrong[];
  /** A client whose last sync left it with messages the server lacks, or without the server's. */
  readonly wrongHoldings: readonly RealClientWrong[];
  readonly syncCount: number;
  readonly syncsRefused: number;
  /** Syncs where the program hung, crashed or could not be read: first record index and its words. */
  readonly failures: readonly { readonly index: number; readonly process: string; readonly words: string }[];
  /** Messages uploaded again plus messages a client holds twice after its last sync. */
  readonly duplicates: number;
  readonly redownloadBytes: number;
}

interface PendingEdit {
  readonly record: number;
  readonly timeMs: number;
  readonly value: ClientEditValue;
}

interface ClientTrail {
  pending: PendingEdit[];
  previousSync: number;
  lastSync: { index: number; value: ClientSyncValue } | null;
}

/** Whether the sync carried the edit's effect to the server. */
function carried(edit: ClientEditValue, sync: ClientSyncValue): boolean {
  const flag = editFlag(edit.action);
  if (flag === null) return sync.expunged.includes(edit.messageId);
  return sync.flagged.some((c) => c.messageId === edit.messageId && c.added.includes(flag)) || sync.expunged.includes(edit.messageId);
}

/**
 * Whether the edit's flag was already set on its message by another client's acknowledged
 * STORE between the edit and the sync: the program then finds the server as its user wants
 * it and has nothing to carry, and nothing of the edit is lost (two users of one mailbox
 * flagging one message).
 */
function setByOthers(history: readonly HistoryRecord[], edit: PendingEdit, syncIndex: number): boolean {
  const flag = editFlag(edit.value.action);
  if (flag === null || edit.value.guid === '') return false;
  for (let i = edit.record + 1; i < syncIndex; i++) {
    const record = history[i] as HistoryRecord;
    if (record.f === 'store' && record.type === 'ok' && record.value.mailbox === REAL_CLIENT_MAILBOX && record.value.guid === edit.value.guid && record.value.mode !== '-' && record.value.flags.includes(flag)) return true;
  }
  return false;
}

/** Why an edit the sync did not carry was lost, from what the history shows between the client's two syncs. */
function lossReason(history: readonly HistoryRecord[], edit: PendingEdit, since: number, syncIndex: number, sync: ClientSyncValue): string {
  if (sync.status === 'refused') return 'sync refused';
  let reason = 'not carried by the sync';
  for (let i = Math.max(0, since); i < syncIndex; i++) {
    const record = history[i] as HistoryRecord;
    if (record.f === 'uidvalidity' && record.value.mailbox === REAL_CLIENT_MAILBOX) return 'UIDVALIDITY changed';
    if (record.f === 'bind' && record.value.mailbox === REAL_CLIENT_MAILBOX && record.value.guid === edit.value.guid && edit.value.guid !== '') reason = 'renumbered';
    if (reason === 'not carried by the sync' && record.f === 'expunge' && record.type === 'ok' && record.index > edit.record && record.value.guids.includes(edit.value.guid)) reason = 'expunged on the server';
  }
  return reason;
}

/** The sync's own changes that no pending edit of its user asked for. */
function unasked(index: number, process: string, sync: ClientSyncValue, pending: readonly PendingEdit[]): { misapplied: RealClientWrong[]; damage: RealClientWrong[] } {
  const asked = (messageId: string, flag: string | null): boolean => pending.some((p) => p.value.messageId === messageId && editFlag(p.value.action) === flag);
  const misapplied: RealClientWrong[] = [];
  const damage: RealClientWrong[] = [];
  for (const change of sync.flagged) {
    for (const flag of change.added) if (!asked(change.messageId, flag)) misapplied.push({ index, process, note: `${process} set ${flag} on ${change.messageId}, which its user never edited` });
    for (const flag of change.removed) misapplied.push({ index, process, note: `${process} removed ${flag} from ${change.messageId}; its user removes no flag` });
  }
  for (const messageId of sync.expunged) {
    if (!asked(messageId, null)) damage.push({ index, process, note: `${process} expunged ${messageId} on the server; its user deleted ${pending.filter((p) => p.value.action === 'delete').map((p) => p.value.messageId).join(', ') || 'nothing'}` });
  }
  for (const messageId of sync.appended) damage.push({ index, process, note: `${process} uploaded ${messageId} to the server again; its user wrote no message` });
  return { misapplied, damage };
}

export function judgeRealClients(history: readonly HistoryRecord[]): RealClientJudgement {
  const trails = new Map<string, ClientTrail>();
  const trail = (process: string): ClientTrail => {
    let found = trails.get(process);
    if (found === undefined) trails.set(process, (found = { pending: [], previousSync: -1, lastSync: null }));
    return found;
  };
  const edits: JudgedEdit[] = [];
  const misapplied: RealClientWrong[] = [];
  const serverDamage: RealClientWrong[] = [];
  const failures: { index: number; process: string; words: string }[] = [];
  let syncCount = 0;
  let syncsRefused = 0;
  let redownloadBytes = 0;
  let appended = 0;
  const judge = (edit: PendingEdit, process: string, fate: EditFate, why?: string): void => {
    edits.push({ index: edit.record, process, messageId: edit.value.messageId, action: edit.value.action, fate, ...(why === undefined ? {} : { why }) });
  };
  for (const record of history) {
    if (record.f === 'client-edit') {
      trail(record.process).pending.push({ record: record.index, timeMs: record.timeMs, value: record.value });
      continue;
    }
    if (record.f !== 'client-sync') continue;
    const client = trail(record.process);
    const sync = record.value;
    syncCount++;
    redownloadBytes += sync.redownloadBytes;
    appended += sync.appended.length;
    if (sync.status === 'refused') syncsRefused++;
    if (sync.status === 'failed') {
      failures.push({ index: record.index, process: record.process, words: sync.words });
      for (const edit of client.pending) judge(edit, record.process, 'unknown');
    } else {
      for (const edit of client.pending) {
        if (carried(edit.value, sync) || setByOthers(history, edit, record.index)) judge(edit, record.process, 'reached');
        else judge(edit, record.process, 'lost', lossReason(history, edit, client.previousSync, record.index, sync));
      }
      const wrong = unasked(record.index, record.process, sync, client.pending);
      misapplied.push(...wrong.misapplied);
      serverDamage.push(...wrong.damage);
    }
    client.pending = [];
    client.previousSync = record.index;
    client.lastSync = { index: record.index, value: sync };
  }
  const wrongHoldings: RealClientWrong[] = [];
  let localDuplicates = 0;
  for (const [process, client] of trails) {
    for (const edit of client.pending) judge(edit, process, 'unsynced');
    const last = client.lastSync;
    if (last === null || last.value.status !== 'ok') continue;
    localDuplicates += last.value.localDuplicates.length;
    const { missing, extra, localDuplicates: twice } = last.value;
    if (missing.length + extra.length + twice.length > 0) {
      wrongHoldings.push({ index: last.index, process, note: `${process} ended its last sync without ${missing.length} of the server's messages (${missing.slice(0, 3).join(', ')}), with ${extra.length} the server lacks (${extra.slice(0, 3).join(', ')}) and ${twice.length} held twice` });
    }
  }
  edits.sort((a, b) => a.index - b.index);
  return { edits, misapplied, serverDamage, wrongHoldings, syncCount, syncsRefused, failures, duplicates: appended + localDuplicates, redownloadBytes };
}
