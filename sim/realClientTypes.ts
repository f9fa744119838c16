/**
 * Real IMAP client programs in a run (scenario `realClients:`): what a scenario asks of them,
 * and what a sync reports, as plain data keyed by Message-ID. The seam the simulator drives
 * them through is ./realClientDriver.ts.
 */
export const REAL_CLIENT_KINDS = ['mbsync', 'offlineimap'] as const;
export type RealClientKind = (typeof REAL_CLIENT_KINDS)[number];

/**
 * What a user does to the local Maildir between syncs, as a mail program does it: `flag` and
 * `seen` rename the file into cur/ with the flag letter added (F, S); `delete` unlinks it.
 */
export const REAL_CLIENT_EDIT_ACTIONS = ['flag', 'seen', 'delete'] as const;
export type RealClientEditAction = (typeof REAL_CLIENT_EDIT_ACTIONS)[number];

/** The flag an edit asks the server to set (none for a delete). */
export function editFlag(action: RealClientEditAction): string | null {
  if (action === 'flag') return '\\Flagged';
  if (action === 'seen') return '\\Seen';
  return null;
}

/** The one mailbox real clients sync. */
export const REAL_CLIENT_MAILBOX = 'INBOX';

export interface RealClientEdit {
  readonly atMs: number;
  readonly action: RealClientEditAction;
}

export interface RealClientConfig {
  readonly kind: RealClientKind;
  /** The server it syncs with; the next one that is up and reachable when this one is not (fail-over). */
  readonly server: string;
  /**
   * The server it sits beside on the network: it reaches the servers this one reaches, so a
   * partition that puts `server` on the other side cuts the client off from it.
   */
  readonly near: string;
  /** Virtual times of its syncs, ascending. */
  readonly syncAtMs: readonly number[];
  /** Offline edits, ascending in time; each picks a message the client holds (seeded). */
  readonly edits: readonly RealClientEdit[];
}

/** The history process of the `index`-th real client: `mbsync-0`, `offlineimap-1`. */
export function realClientProcess(config: RealClientConfig, index: number): string {
  return `${config.kind}-${index}`;
}

/** A flag change the client made on the server, on the message that held `uid` when the sync began. */
export interface ServerFlagChange {
  readonly uid: number;
  readonly guid: string;
  readonly messageId: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export interface ServerExpunge {
  readonly uid: number;
  readonly guid: string;
  readonly messageId: string;
}

export interface ServerAppend {
  readonly messageId: string;
  readonly body: Uint8Array;
  readonly flags: readonly string[];
}

/** What one sync changed in the server's mailbox: the diff of its files before and after. */
export interface ServerChanges {
  readonly flags: readonly ServerFlagChange[];
  readonly expunged: readonly ServerExpunge[];
  readonly appended: readonly ServerAppend[];
}

/**
 * How a sync ended: `ok` (exit 0), `refused` (the program exited non-zero in its own words:
 * mbsync's "UIDVALIDITY genuinely changed"), `failed` (it hung past its deadline, was killed,
 * or could not be run or read: the run's verdict on real clients is then unknown).
 */
export type RealSyncStatus = 'ok' | 'refused' | 'failed';

export interface RealSyncReport {
  readonly status: RealSyncStatus;
  readonly exitCode: number | null;
  /** The program's own words (the end of what it printed); '' when it said nothing. */
  readonly words: string;
  readonly changes: ServerChanges;
  /** Message-IDs on the server and not in the local Maildir after the sync, sorted. */
  readonly missing: readonly string[];
  /** Message-IDs in the local Maildir and not on the server after the sync, sorted. */
  readonly extra: readonly string[];
  /** Message-IDs the local Maildir holds more than once after the sync, sorted. */
  readonly localDuplicates: readonly string[];
  /** Bytes of files the sync wrote locally for messages the client already held before it. */
  readonly redownloadBytes: number;
}
