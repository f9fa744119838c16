/**
 * What one IMAP client was told, for the front end's session guarantee: a replica that does
 * not reflect what the client saw refuses it until it does. Judged only from the client's
 * own observations (every UID it was told names a GUID, the highest MODSEQ it was told per
 * message, the UIDs its own acknowledged expunges and moves removed, and the UIDNEXT and
 * HIGHESTMODSEQ it read or that a UID it was told implies), never from a clock a server
 * hands back: a black-box server has none, and a server's bug must not weaken the client's
 * guarantee.
 *
 * A replica reflects what the client saw of a mailbox (same UIDVALIDITY) when it could be a
 * later state of it: UIDNEXT and HIGHESTMODSEQ not below what the client read, UIDNEXT above
 * every UID the client was told; no UID the
 * client knows names another message; no message below the UIDNEXT the client read that the
 * client never saw (UIDs are only handed out at UIDNEXT, so a later state has none); no
 * message with a MODSEQ below what the client was told; none of the UIDs it removed.
 */
import type { Message } from '../core/message.ts';
import { allMessages } from '../core/messageMap.ts';
import type { Mailbox } from '../core/state.ts';

/** What the client was told of one UID: the message it names, and the highest MODSEQ it had. */
interface ToldUid {
  guid: string;
  modseq: number;
}

interface Told {
  /** The highest UIDNEXT a SELECT read. */
  uidNext: number;
  /** The UIDNEXT a later state has at least: the one read, or above a UID the client was told. */
  uidNextFloor: number;
  highestModseq: number;
  /**
   * Every UID the client was told (SELECT, STORE answers, APPENDUID, COPYUID): one entry
   * for both the GUID and the MODSEQ, so judging a replica costs one lookup per message.
   */
  readonly uids: Map<number, ToldUid>;
  /** UIDs this client's own acknowledged expunges and moves removed. */
  readonly removed: Set<number>;
}

export class SessionMemory {
  private readonly told = new Map<string, Told>();

  private entry(mailbox: string, uidValidity: number): Told {
    const key = `${mailbox}\u0000${uidValidity}`;
    let told = this.told.get(key);
    if (!told) {
      told = { uidNext: 0, uidNextFloor: 0, highestModseq: 0, uids: new Map(), removed: new Set() };
      this.told.set(key, told);
    }
    return told;
  }

  /** A SELECT's answer: the status it read and every message it listed. */
  selected(box: Mailbox): void {
    const told = this.entry(box.name, box.uidValidity);
    told.uidNext = Math.max(told.uidNext, box.uidNext);
    told.uidNextFloor = Math.max(told.uidNextFloor, box.uidNext);
    told.highestModseq = Math.max(told.highestModseq, box.highestModseq);
    for (const message of allMessages(box.messages)) if (message.uid > 0) this.message(box.name, box.uidValidity, message.uid, message.guid, message.modseq);
  }

  /** A UID the client was told names `guid`, at `modseq` when the answer gave one. */
  message(mailbox: string, uidValidity: number, uid: number, guid: string, modseq = 0): void {
    if (uid <= 0) return;
    const told = this.entry(mailbox, uidValidity);
    // A server that handed out this UID had its UIDNEXT above it, and UIDNEXT never goes down:
    // a replica still at or below it has not seen that assignment and could hand the UID out
    // again. Only a floor: messages below it the client never listed are no sign of a fork.
    told.uidNextFloor = Math.max(told.uidNextFloor, uid + 1);
    const known = told.uids.get(uid);
    if (known === undefined) told.uids.set(uid, { guid, modseq });
    else {
      known.guid = guid;
      known.modseq = Math.max(known.modseq, modseq);
    }
  }

  /** The client's own acknowledged expunge or move took this UID out of the mailbox. */
  removed(mailbox: string, uidValidity: number, uid: number): void {
    this.entry(mailbox, uidValidity).removed.add(uid);
  }

  /** Why `box` (a replica's mailbox) does not reflect what the client saw, or null when it does. */
  behind(node: string, box: Mailbox): string | null {
    const told = this.told.get(`${box.name}\u0000${box.uidValidity}`);
    if (!told) return null;
    const name = box.name;
    if (box.uidNext < told.uidNextFloor || box.highestModseq < told.highestModseq) {
      return `${node} is behind this session on ${name} (UIDNEXT ${box.uidNext} < ${told.uidNextFloor} or HIGHESTMODSEQ ${box.highestModseq} < ${told.highestModseq})`;
    }
    // Runs before every request a client sends, over the whole mailbox: the buckets in
    // allMessages's order, without its generator, and one lookup per message (a generator and
    // two maps per message were a few percent of a cluster run of 10,000-message mailboxes).
    for (const bucket of box.messages.buckets) {
      if (bucket === undefined) continue;
      for (const message of bucket.values()) {
        const why = this.messageBehind(told, node, name, message);
        if (why !== null) return why;
      }
    }
    return null;
  }

  /** Why one message of the replica's mailbox does not fit what the client saw, or null. */
  private messageBehind(told: Told, node: string, name: string, message: Message): string | null {
    const { uid, guid } = message;
    if (uid <= 0) return null;
    const known = told.uids.get(uid);
    if (known === undefined) return uid < told.uidNext ? `${node} shows ${name} UID ${uid}, below the UIDNEXT ${told.uidNext} this session read, which it never saw` : null;
    if (known.guid !== guid) return `${node} shows ${name} UID ${uid} naming another message than this session was told`;
    if (told.removed.has(uid)) return `${node} still shows ${name} UID ${uid}, which this session removed`;
    if (message.modseq < known.modseq) return `${node} shows ${name} UID ${uid} at a MODSEQ below what this session was told`;
    return null;
  }
}
