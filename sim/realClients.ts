/**
 * Real client programs in a run: their offline edits and syncs, scheduled in virtual time.
 * The scheduler awaits each event, so virtual time stands still while a program runs. At a
 * sync the driver runs the program against the server's state; what the program changed on
 * the server (flags, expunges, appends) comes back keyed by Message-ID and goes into the
 * replica as ordinary client operations of the program's process, recorded like any client's.
 */
import { allMessages } from '../core/messageMap.ts';
import { clientRequest, type ClientDeps } from './clients.ts';
import type { ClientSyncValue } from './historyTypes.ts';
import type { ReplicaServer } from './replicaServer.ts';
import type { Rng } from './rng.ts';
import type { LocalMessage, RealClientDriver } from './realClientDriver.ts';
import {
  REAL_CLIENT_MAILBOX,
  editFlag,
  realClientProcess,
  type RealClientConfig,
  type RealClientEditAction,
  type RealSyncReport,
  type ServerChanges,
} from './realClientTypes.ts';

/** Whether a client placed beside server `from` can hold an IMAP conversation with server `to` now. */
export type Reaches = (from: string, to: string) => boolean;

/**
 * The client's server, or the next one in the cluster's order that is up, not paused and that
 * the client can reach from where it sits (`near`, past any partition): fail-over.
 */
export function syncServer(servers: readonly ReplicaServer[], config: Pick<RealClientConfig, 'server' | 'near'>, reaches: Reaches): ReplicaServer | null {
  const start = Math.max(0, servers.findIndex((s) => s.name === config.server));
  for (let i = 0; i < servers.length; i++) {
    const server = servers[(start + i) % servers.length] as ReplicaServer;
    if (server.up && !server.paused && reaches(config.near, server.name)) return server;
  }
  return null;
}

/** The GUID of the INBOX message with `messageId` on `server` now ('' when none). */
function guidOf(server: ReplicaServer | null, messageId: string): string {
  const box = server?.store?.committed.mailboxes.get(REAL_CLIENT_MAILBOX);
  if (!box) return '';
  for (const message of allMessages(box.messages)) if (message.messageId === messageId && message.uid !== 0) return message.guid;
  return '';
}

/**
 * Picks the message an edit touches: one the client holds, has not edited since its last sync
 * (two edits of one message between syncs would hide each other) and that the edit changes,
 * drawn from `rng`.
 */
export function pickEditTarget(local: readonly LocalMessage[], action: RealClientEditAction, editedSinceSync: ReadonlySet<string>, rng: Rng): string | null {
  const flag = editFlag(action);
  // A flag the message has already is no edit: the user picks a message it changes.
  const open = local.filter((m) => !editedSinceSync.has(m.messageId) && (flag === null || !m.flags.includes(flag))).map((m) => m.messageId);
  return open.length === 0 ? null : rng.pick(open);
}

/** The sync as its history record shows it: Message-IDs only, no bodies. */
export function syncRecordValue(report: RealSyncReport): ClientSyncValue {
  return {
    status: report.status,
    exitCode: report.exitCode,
    words: report.words,
    flagged: report.changes.flags.map((c) => ({ messageId: c.messageId, added: c.added, removed: c.removed })),
    expunged: report.changes.expunged.map((e) => e.messageId),
    appended: report.changes.appended.map((a) => a.messageId),
    missing: report.missing,
    extra: report.extra,
    localDuplicates: report.localDuplicates,
    redownloadBytes: report.redownloadBytes,
  };
}

/** Applies what a program changed on the server to the replica, as the program's own client operations. */
async function applyChanges(deps: ClientDeps, server: ReplicaServer, process: string, changes: ServerChanges): Promise<void> {
  const mailbox = REAL_CLIENT_MAILBOX;
  const uidValidity = server.store?.committed.mailboxes.get(mailbox)?.uidValidity ?? 0;
  const common = { server, process, write: true } as const;
  for (const change of changes.flags) {
    for (const [mode, flags] of [['+', change.added], ['-', change.removed]] as const) {
      if (flags.length === 0) continue;
      deps.metrics.flagChangeCount++;
      await clientRequest(deps, {
        ...common, f: 'store',
        value: { mailbox, uidValidity, uid: change.uid, guid: change.guid, mode, flags },
        op: (r) => r.store(mailbox, [change.uid], mode, flags),
        okValue: (res) => ({ flagsAfter: res.changed[0]?.flags ?? null, modseq: res.changed[0]?.modseq ?? null }),
      });
    }
  }
  if (changes.expunged.length > 0) {
    const uids = changes.expunged.map((e) => e.uid);
    await clientRequest(deps, {
      ...common, f: 'expunge',
      value: { mailbox, uidValidity, uids, guids: changes.expunged.map((e) => e.guid) },
      op: (r) => r.expunge(mailbox, uids),
      okValue: (res) => ({ expunged: res.expunged }),
    });
  }
  for (const append of changes.appended) {
    await clientRequest(deps, {
      ...common, f: 'append',
      value: { mailbox, messageId: append.messageId, attempt: 1, sizeBytes: append.body.length },
      op: (r) => r.append(mailbox, append.body, append.flags),
      okValue: (res) => ({ guid: res.guid, uid: res.uid, uidValidity: res.uidValidity }),
    });
  }
}

/** One real client: its edits and syncs as scheduler events. */
class RealClient {
  private readonly editedSinceSync = new Set<string>();

  constructor(
    private readonly deps: ClientDeps,
    private readonly driver: RealClientDriver,
    private readonly config: RealClientConfig,
    private readonly index: number,
    private readonly process: string,
    private readonly rng: Rng,
    private readonly reaches: Reaches,
  ) {}

  schedule(): void {
    for (const edit of this.config.edits) this.deps.scheduler.at(edit.atMs, `${this.process} edit`, () => this.edit(edit.action));
    for (const atMs of this.config.syncAtMs) this.deps.scheduler.at(atMs, `${this.process} sync`, () => this.sync());
  }

  private async edit(action: RealClientEditAction): Promise<void> {
    const target = pickEditTarget(await this.driver.localMessages(this.index), action, this.editedSinceSync, this.rng);
    if (target === null) return;
    this.editedSinceSync.add(target);
    await this.driver.edit(this.index, target, action);
    const server = syncServer(this.deps.servers, this.config, this.reaches);
    this.deps.history.append(server?.name ?? this.config.server, this.process, 'info', 'client-edit', { messageId: target, action, guid: guidOf(server, target) });
  }

  private async sync(): Promise<void> {
    const server = syncServer(this.deps.servers, this.config, this.reaches);
    // No server to reach: the user's edits wait for the next sync, as they would.
    if (server === null) return;
    const report = await this.driver.sync(this.index, server);
    this.deps.history.append(server.name, this.process, 'info', 'client-sync', syncRecordValue(report));
    this.editedSinceSync.clear();
    if (report.status !== 'failed') await applyChanges(this.deps, server, this.process, report.changes);
  }
}

/** Schedules every real client of the config; each draws its edit targets from its own stream. */
export function startRealClients(configs: readonly RealClientConfig[], driver: RealClientDriver, deps: ClientDeps, rng: Rng, reaches: Reaches): void {
  configs.forEach((config, index) => {
    const process = realClientProcess(config, index);
    new RealClient(deps, driver, config, index, process, rng.stream(process), reaches).schedule();
  });
}
