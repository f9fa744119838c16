/**
 * The IMAP and SMTP operations of sim/replicaServer.ts on a real Dovecot store: each one a
 * real IMAP session through Dovecot's imap binary (DovecotDriver), answered with what Dovecot
 * answered (APPENDUID, COPYUID, the FETCH after a STORE), then the store is read back so the
 * answer carries the GUID and MODSEQ Dovecot gave and clients see the state it left.
 */
import { ImapNoError } from '../../core/errors.ts';
import { allMessages, sortedGuids } from '../../core/messageMap.ts';
import type { StoreResult } from '../../core/ops.ts';
import type { Mailbox, Message, StoreState } from '../../core/state.ts';
import type { CopyAnswer, DeliverAnswer, MailStore } from '../../sim/replicaServer.ts';
import type { DovecotDriver } from './dovecotDriver.ts';
import type { GuidNames } from './guidNames.ts';

/** What the store needs of its server: its Dovecot store, its clock, and a fresh read of its state. */
export interface DovecotStoreHost<Home> {
  readonly name: string;
  readonly home: Home;
  readonly state: StoreState;
  readonly clock: { nowMs(): number };
  readonly names: GuidNames;
  dovecotGuid(mailbox: string, uid: number): string | undefined;
  refresh(): Promise<void>;
}

export class DovecotMailStore<Home> implements MailStore {
  private readonly host: DovecotStoreHost<Home>;
  private readonly driver: DovecotDriver<Home>;

  constructor(host: DovecotStoreHost<Home>, driver: DovecotDriver<Home>) {
    this.host = host;
    this.driver = driver;
  }

  get node(): string {
    return this.host.name;
  }

  /** Dovecot commits each command before it answers: there is no open batch. */
  get committed(): StoreState {
    return this.host.state;
  }

  get state(): StoreState {
    return this.host.state;
  }

  async deliver(mailbox: string, body: Uint8Array): Promise<DeliverAnswer> {
    if (this.driver.deliver === undefined) return this.append(mailbox, body, []);
    return this.answer(mailbox, await this.driver.deliver(this.host.home, mailbox, body), 'DELIVER');
  }

  async append(mailbox: string, body: Uint8Array, flags: readonly string[]): Promise<DeliverAnswer> {
    return this.answer(mailbox, await this.driver.append(this.host.home, mailbox, body, flags, this.host.clock.nowMs()), 'APPEND');
  }

  /** A new message's answer, from the store read back after it. */
  private async answer(mailbox: string, { uid, uidValidity }: { uid: number; uidValidity: number }, op: string): Promise<DeliverAnswer> {
    await this.host.refresh();
    const message = this.byUid(mailbox, uid, op);
    return { guid: message.guid, uid, uidValidity, modseq: message.modseq };
  }

  async store(mailbox: string, uids: readonly number[], mode: '+' | '-' | '=', flags: readonly string[]): Promise<StoreResult> {
    const box = this.mailbox(mailbox, 'STORE');
    const changed: StoreResult['changed'] = [];
    for (const uid of uids) {
      const guid = this.find(box, uid)?.guid;
      const result = await this.driver.storeFlags(this.host.home, mailbox, box.uidValidity, uid, mode, flags);
      if (result !== null && guid !== undefined) changed.push({ uid, guid, flags: [...result.flags].sort(), modseq: result.modseq });
    }
    await this.host.refresh();
    return { changed, highestModseq: this.highestModseq(box) };
  }

  /** The GUIDs answered are those the store held in the mailbox just before the DELETE. */
  async deleteMailbox(mailbox: string): Promise<{ guids: string[] }> {
    const box = this.mailbox(mailbox, 'DELETE');
    const guids = sortedGuids(box.messages);
    await this.driver.deleteMailbox(this.host.home, mailbox);
    await this.host.refresh();
    return { guids };
  }

  async expunge(mailbox: string, uids: readonly number[]): Promise<{ expunged: number[]; highestModseq: number }> {
    const box = this.mailbox(mailbox, 'EXPUNGE');
    const expunged = await this.driver.expunge(this.host.home, mailbox, box.uidValidity, uids);
    await this.host.refresh();
    return { expunged, highestModseq: this.highestModseq(box) };
  }

  move(from: string, uids: readonly number[], to: string): Promise<CopyAnswer> {
    return this.transfer('MOVE', from, uids, to);
  }

  copy(from: string, uids: readonly number[], to: string): Promise<CopyAnswer> {
    return this.transfer('COPY', from, uids, to);
  }

  private async transfer(op: 'MOVE' | 'COPY', from: string, uids: readonly number[], to: string): Promise<CopyAnswer> {
    const box = this.mailbox(from, op);
    const run = op === 'MOVE' ? this.driver.move : this.driver.copy;
    // The store's GUID and the simulator's name of each source record, before the write.
    const sources = new Map(uids.map((uid) => [uid, { guid: this.host.dovecotGuid(from, uid), name: this.find(box, uid)?.guid }]));
    const answer = await run.call(this.driver, this.host.home, from, box.uidValidity, uids, to);
    // Dovecot keeps the GUID on a MOVE and on a COPY: a move keeps the message's name, a copy is named anew (guidNames.ts).
    for (const uid of answer.sourceUids) {
      const source = sources.get(uid);
      if (source?.guid === undefined || source.name === undefined) continue;
      if (op === 'MOVE') this.host.names.moved(source.name, to, source.guid);
      else this.host.names.copied(to, source.guid);
    }
    await this.host.refresh();
    const targetGuids = answer.targetUids.map((uid) => this.byUid(to, uid, op).guid);
    return { ...answer, targetGuids };
  }

  /** The mailbox's HIGHESTMODSEQ as read back after a write (as before it, if Dovecot no longer lists it). */
  private highestModseq(before: Mailbox): number {
    return this.state.mailboxes.get(before.name)?.highestModseq ?? before.highestModseq;
  }

  private mailbox(name: string, op: string): Mailbox {
    const box = this.state.mailboxes.get(name);
    if (box === undefined) throw new ImapNoError(op, `no such mailbox ${name}`);
    return box;
  }

  private find(box: Mailbox, uid: number): Message | undefined {
    for (const message of allMessages(box.messages)) if (message.uid === uid) return message;
    return undefined;
  }

  private byUid(mailbox: string, uid: number, op: string): Message {
    const message = this.find(this.mailbox(mailbox, op), uid);
    if (message === undefined) throw new ImapNoError(op, `${mailbox} UID ${uid} that Dovecot answered is not in the store read back`);
    return message;
  }
}
