/**
 * What the dsync backend needs from real Dovecot (and the Cyrus backend from Cyrus), as one interface: the IMAP operations on
 * one store, reading a store's state back, and a dsync session between two stores. The
 * backend's servers talk to Dovecot only through it, so its runner can be tested against a
 * fake and the processes behind it can change.
 */
import type { DovecotMailbox } from './readState.ts';

export type { DovecotMailbox } from './readState.ts';

export interface SyncOutcome {
  readonly ok: boolean;
  /** The state to pass to the pair's next stateful session (the old one when this failed). */
  readonly state: string;
  /** The stream's bytes, both ways, as the relay counted them. */
  readonly bytes: number;
  /** The relay killed the session at the crash point it was given. */
  readonly killed: boolean;
}

export interface DovecotDriver<Home> {
  append(home: Home, mailbox: string, body: Uint8Array, flags: readonly string[], internalDateMs: number): Promise<{ uid: number; uidValidity: number }>;
  /** A delivery as the mail server hands it over (Cyrus: LMTP); without it a delivery is an APPEND with no flags. */
  deliver?(home: Home, mailbox: string, body: Uint8Array): Promise<{ uid: number; uidValidity: number }>;
  /** Null when the UID is gone. Refuses (ImapNoError) when the mailbox's UIDVALIDITY is not `uidValidity`. */
  storeFlags(home: Home, mailbox: string, uidValidity: number, uid: number, mode: '+' | '-' | '=', flags: readonly string[]): Promise<{ flags: readonly string[]; modseq: number } | null>;
  expunge(home: Home, mailbox: string, uidValidity: number, uids: readonly number[]): Promise<number[]>;
  copy(home: Home, from: string, uidValidity: number, uids: readonly number[], to: string): Promise<{ uidValidity: number; sourceUids: number[]; targetUids: number[] }>;
  move(home: Home, from: string, uidValidity: number, uids: readonly number[], to: string): Promise<{ uidValidity: number; sourceUids: number[]; targetUids: number[] }>;
  /** IMAP DELETE of the mailbox and its messages. */
  deleteMailbox(home: Home, mailbox: string): Promise<void>;
  readMailboxes(home: Home): Promise<DovecotMailbox[]>;
  /** One two-way session: `from` runs `doveadm sync` against `to`'s dsync-server. */
  sync(from: Home, to: Home, options: { readonly stateful: boolean; readonly full: boolean; readonly state: string; readonly killAfterBytes: number | null }): Promise<SyncOutcome>;
}
