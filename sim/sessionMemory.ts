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
import { bucketDifference } from '../core/bucketLineage.ts';
import { allMessages } from '../core/messageMap.ts';
import type { Mailbox } from '../core/state.ts';

type Bucket = ReadonlyMap<string, Message>;

/**
 * UIDs the change log of one mailbox holds before it is dropped (named limit): a dropped log
 * makes every bucket judged before it be judged again, once, so the log costs at most this many
 * numbers per mailbox a client knows, and a SELECT that changes more costs one full scan.
 */
export const changeLogUidsMax = 4096;

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
  /**
   * Every UID whose entry in `uids` was added or changed, or that joined `removed`, since
   * position `changesBase`: what can make a message judged fine fail. Positions only grow, so a
   * bucket's judgement remembers the one it saw.
   */
  readonly changes: number[];
  changesBase: number;
  /**
   * Per bucket index, the bucket (by identity: a bucket never changes) last judged there to
   * hold no message that fails, of whichever replica was asked. At most BUCKET_COUNT entries per
   * mailbox the client knows, so at most one older version of each bucket is kept alive; a
   * client that switches replicas judges the buckets that differ again.
   */
  readonly clean: (CleanBucket | undefined)[];
}

/**
 * A bucket with no failing message at change-log position `changesSeen`. Its messages' verdicts
 * can only change when the client learns of one of their UIDs (the change log), or when the
 * UIDNEXT it read passes a UID it never saw: the lowest such UID of the bucket is kept.
 */
interface CleanBucket {
  readonly bucket: Bucket;
  changesSeen: number;
  readonly unknownUidMin: number;
  /** The bucket's UIDs (uidsOf), once a change had to be looked up there. */
  uids: ReadonlySet<number> | undefined;
}

/** The UIDs of a bucket's messages: a bucket never changes, so built once per bucket object, for every session. */
const bucketUids = new WeakMap<Bucket, ReadonlySet<number>>();

function uidsOf(bucket: Bucket): ReadonlySet<number> {
  let uids = bucketUids.get(bucket);
  if (uids === undefined) {
    const built = new Set<number>();
    bucket.forEach((message) => built.add(message.uid));
    bucketUids.set(bucket, (uids = built));
  }
  return uids;
}

function toldKey(mailbox: string, uidValidity: number): string {
  return `${mailbox}\u0000${uidValidity}`;
}

export class SessionMemory {
  private readonly told = new Map<string, Told>();

  private entry(mailbox: string, uidValidity: number): Told {
    const key = toldKey(mailbox, uidValidity);
    let told = this.told.get(key);
    if (!told) {
      told = { uidNext: 0, uidNextFloor: 0, highestModseq: 0, uids: new Map(), removed: new Set(), changes: [], changesBase: 0, clean: [] };
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
    for (const message of allMessages(box.messages)) if (message.uid > 0) this.learn(told, message.uid, message.guid, message.modseq);
  }

  /** A UID the client was told names `guid`, at `modseq` when the answer gave one. */
  message(mailbox: string, uidValidity: number, uid: number, guid: string, modseq = 0): void {
    if (uid > 0) this.learn(this.entry(mailbox, uidValidity), uid, guid, modseq);
  }

  private learn(told: Told, uid: number, guid: string, modseq: number): void {
    // A server that handed out this UID had its UIDNEXT above it, and UIDNEXT never goes down:
    // a replica still at or below it has not seen that assignment and could hand the UID out
    // again. Only a floor: messages below it the client never listed are no sign of a fork.
    told.uidNextFloor = Math.max(told.uidNextFloor, uid + 1);
    const known = told.uids.get(uid);
    if (known === undefined) {
      told.uids.set(uid, { guid, modseq });
      this.changed(told, uid);
    } else if (known.guid !== guid || known.modseq < modseq) {
      known.guid = guid;
      known.modseq = Math.max(known.modseq, modseq);
      this.changed(told, uid);
    }
  }

  /** The client's own acknowledged expunge or move took this UID out of the mailbox. */
  removed(mailbox: string, uidValidity: number, uid: number): void {
    const told = this.entry(mailbox, uidValidity);
    if (told.removed.has(uid)) return;
    told.removed.add(uid);
    this.changed(told, uid);
  }

  /**
   * Logs that what the client knows of `uid` changed. Protected only so a test can show that a
   * memo which misses a change is caught.
   */
  protected changed(told: Told, uid: number): void {
    if (told.changes.length >= changeLogUidsMax) {
      told.changesBase += told.changes.length;
      told.changes.length = 0;
    }
    told.changes.push(uid);
  }

  /**
   * Why `box` (a replica's mailbox) does not reflect what the client saw, or null when it does.
   * Runs before every request a client sends: a bucket judged clean before and unchanged since
   * (same object, none of its UIDs in the change log, no UID it holds that the client never saw
   * now below UIDNEXT) is skipped, so a replica that reflects the session costs what changed,
   * not the mailbox size. The rest are judged in bucket order, so the first message that fails
   * is the one a full scan finds first (behindFullScan), and so is the reason.
   */
  behind(node: string, box: Mailbox): string | null {
    const told = this.told.get(toldKey(box.name, box.uidValidity));
    if (!told) return null;
    const counters = countersBehind(told, node, box);
    if (counters !== null) return counters;
    const { buckets } = box.messages;
    for (let index = 0; index < buckets.length; index++) {
      const bucket = buckets[index];
      if (bucket === undefined || stillClean(told, index, bucket)) continue;
      const why = this.judge(told, node, box.name, index, bucket);
      if (why !== null) return why;
    }
    return null;
  }

  /** What behind answers, from every message of the mailbox, without what earlier calls judged. */
  behindFullScan(node: string, box: Mailbox): string | null {
    const told = this.told.get(toldKey(box.name, box.uidValidity));
    if (!told) return null;
    const counters = countersBehind(told, node, box);
    if (counters !== null) return counters;
    for (const message of allMessages(box.messages)) {
      const why = messageBehind(told, node, box.name, message);
      if (why !== null) return why;
    }
    return null;
  }

  /** The first message of `bucket` (at `index`) that fails, or null, and then the bucket is remembered clean. */
  private judge(told: Told, node: string, name: string, index: number, bucket: Bucket): string | null {
    // Until judged clean, the slot names no bucket: one found failing is never taken as clean.
    told.clean[index] = undefined;
    let unknownUidMin = Infinity;
    for (const message of bucket.values()) {
      const why = messageBehind(told, node, name, message);
      if (why !== null) return why;
      if (message.uid > 0 && message.uid < unknownUidMin && !told.uids.has(message.uid)) unknownUidMin = message.uid;
    }
    told.clean[index] = { bucket, changesSeen: told.changesBase + told.changes.length, unknownUidMin, uids: undefined };
    return null;
  }
}

/** Why the replica's UIDNEXT or HIGHESTMODSEQ shows it has not reached what the client saw, or null. */
function countersBehind(told: Told, node: string, box: Mailbox): string | null {
  if (box.uidNext >= told.uidNextFloor && box.highestModseq >= told.highestModseq) return null;
  return `${node} is behind this session on ${box.name} (UIDNEXT ${box.uidNext} < ${told.uidNextFloor} or HIGHESTMODSEQ ${box.highestModseq} < ${told.highestModseq})`;
}

/**
 * Whether `bucket` holds no failing message, from the bucket last judged clean at `index`: that
 * one still is (stillCleanSince), and `bucket` is it or was made from it by changing a few
 * GUIDs whose messages pass now (core/bucketLineage.ts). The judgement then moves up to now.
 */
function stillClean(told: Told, index: number, bucket: Bucket): boolean {
  const clean = told.clean[index];
  if (clean === undefined || !stillCleanSince(told, clean)) return false;
  const changesSeen = told.changesBase + told.changes.length;
  if (clean.bucket === bucket) {
    clean.changesSeen = changesSeen;
    return true;
  }
  const differ = bucketDifference(clean.bucket, bucket);
  // No common lineage, or about as many to judge as the bucket holds: judging it costs less.
  if (differ === undefined || differ.size >= bucket.size) return false;
  let { unknownUidMin } = clean;
  for (const guid of differ) {
    const message = bucket.get(guid);
    if (message === undefined) continue;
    // Which message fails first, and why, is for judge to tell, in the bucket's order.
    if (messageBehind(told, '', '', message) !== null) return false;
    if (message.uid > 0 && message.uid < unknownUidMin && !told.uids.has(message.uid)) unknownUidMin = message.uid;
  }
  // The old bucket's lowest unseen UID stays a lower bound: those it held that are gone only raise it.
  told.clean[index] = { bucket, changesSeen, unknownUidMin, uids: undefined };
  return true;
}

/**
 * Whether `clean.bucket` still holds no failing message: no UID the client never saw when it
 * was judged is now below UIDNEXT (the client forgets no UID, so the unseen ones now are among
 * those), and none of its UIDs changed in the change log since.
 */
function stillCleanSince(told: Told, clean: CleanBucket): boolean {
  if (clean.unknownUidMin < told.uidNext) return false;
  const { changes } = told;
  const seen = clean.changesSeen - told.changesBase;
  // Dropped from the log: no way to tell what changed. Many changes: judging costs less.
  if (seen < 0 || changes.length - seen > clean.bucket.size) return false;
  const uids = seen === changes.length ? undefined : (clean.uids ??= uidsOf(clean.bucket));
  for (let i = seen; uids !== undefined && i < changes.length; i++) if (uids.has(changes[i] as number)) return false;
  return true;
}

/** Why one message of the replica's mailbox does not fit what the client saw, or null. */
function messageBehind(told: Told, node: string, name: string, message: Message): string | null {
  const { uid, guid } = message;
  if (uid <= 0) return null;
  const known = told.uids.get(uid);
  if (known === undefined) return uid < told.uidNext ? `${node} shows ${name} UID ${uid}, below the UIDNEXT ${told.uidNext} this session read, which it never saw` : null;
  if (known.guid !== guid) return `${node} shows ${name} UID ${uid} naming another message than this session was told`;
  if (told.removed.has(uid)) return `${node} still shows ${name} UID ${uid}, which this session removed`;
  if (message.modseq < known.modseq) return `${node} shows ${name} UID ${uid} at a MODSEQ below what this session was told`;
  return null;
}
