/**
 * Mail clients. SMTP senders deliver to any server that is up and retry with backoff
 * (same Message-ID, next attempt) when the outcome is unknown or refused. IMAP clients
 * are bound to a home server and fail over when it is down; they SELECT (remembering
 * UIDVALIDITY, UIDNEXT and what they saw), STORE, EXPUNGE, MOVE, COPY and APPEND. Every
 * request is an invoke record followed by ok, fail or info.
 */
import { deflateSync } from 'node:zlib';
import { MailsimError } from '../core/errors.ts';
import { allMessages } from '../core/messageMap.ts';
import { SYSTEM_FLAGS } from '../core/state.ts';
import type { SimConfig } from './config.ts';
import { CrashError } from './faultyFs.ts';
import type { History } from './history.ts';
import type { ClientKind, ClientValues, SeenMessage, ValueOf, VectorClock } from './historyTypes.ts';
import type { Metrics } from './metrics.ts';
import type { Rng } from './rng.ts';
import type { Scheduler } from './scheduler.ts';
import type { Completion, MailStore, ReplicaServer } from './replicaServer.ts';
import type { ProbeSink } from '../core/probes.ts';
import { SessionMemory } from './sessionMemory.ts';
import { isWrittenKeyword, ownedKeywords } from './writtenKeywords.ts';

/** SMTP retries per message before the sender gives up. */
export const SMTP_ATTEMPTS_MAX = 6;
export const SMTP_BACKOFF_MS = 2_000;
/** Share of STOREs that add or remove a written keyword (sim/writtenKeywords.ts) instead of a drawn flag. */
export const KEYWORD_STORE_SHARE = 0.5;
/** Share of those, on a message where the client has read written keywords, that remove one. */
export const KEYWORD_REMOVE_SHARE = 0.3;

export interface ClientDeps {
  readonly config: SimConfig;
  readonly scheduler: Scheduler;
  readonly history: History;
  readonly metrics: Metrics;
  readonly servers: readonly ReplicaServer[];
  readonly rng: Rng;
  /** The world's coverage probes (core/probes.ts); they only count. */
  readonly probes: ProbeSink;
}

/** What an IMAP client remembers of one mailbox. */
interface MailboxView {
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  readonly messages: Map<number, string>;
}

/** A message body with a Message-ID header, padded to `sizeBytes`. */
export function messageBody(messageId: string, sizeBytes: number, rng: Rng): Uint8Array {
  const header = `Message-ID: ${messageId}\r\nFrom: sender@example.test\r\nTo: user@example.test\r\nSubject: ${messageId}\r\n\r\n`;
  const words = ['mail', 'git', 'replica', 'merge', 'flag', 'uid', 'partition', 'commit', 'tree', 'blob'];
  let text = header;
  // Body words fill in content only: no schedule depends on them, so they are never a choice.
  const wordRng = rng.unchosen();
  while (text.length < sizeBytes) text += (text.length % 76 > 70 ? '\r\n' : '') + wordRng.pick(words) + ' ';
  return new TextEncoder().encode(text.slice(0, Math.max(sizeBytes, header.length)));
}

function reasonOf(error: unknown): string {
  if (error instanceof CrashError) return 'crash';
  if (error instanceof MailsimError) return `NO ${error.message}`;
  return String(error);
}

/**
 * A UID is meaningful only under the UIDVALIDITY the client saw: a server whose mailbox
 * changed UIDVALIDITY refuses the request (the client must SELECT again), as a server
 * that resets UIDVALIDITY ends the session of anyone who had the mailbox selected.
 */
function underValidity<T>(mailbox: string, uidValidity: number, op: (r: MailStore) => Promise<T>, probes: ProbeSink): (r: MailStore) => Promise<T> {
  return (replica) => {
    const current = replica.state.mailboxes.get(mailbox)?.uidValidity;
    if (current !== uidValidity) {
      probes.hit('stale-uidvalidity-refused');
      return Promise.reject(new MailsimError('E_IMAP_NO', `NO [UIDVALIDITY] ${mailbox} is now ${current ?? 'gone'}, client saw ${uidValidity}`, { mailbox }));
    }
    return op(replica);
  };
}

export class SmtpClient {
  readonly process: string;
  busy = false;
  private readonly deps: ClientDeps;
  private counter = 0;

  constructor(index: number, deps: ClientDeps) {
    this.process = `smtp-${index}`;
    // Its own stream: adding a client never shifts another client's draws (sim/rng.ts).
    this.deps = { ...deps, rng: deps.rng.stream(this.process) };
  }

  /** Sends one new message; retries on unknown outcome or refusal. */
  send(mailbox: string, sizeBytes: number): Promise<void> {
    this.counter++;
    const messageId = `<m${this.counter}.${this.process}@mailsim.test>`;
    const body = messageBody(messageId, sizeBytes, this.deps.rng);
    this.deps.metrics.deliveryCompressedBytes.push(deflateSync(body).length);
    this.busy = true;
    return this.attempt(mailbox, messageId, body, 1, null);
  }

  /** `previous`: the server the last attempt went to (null on the first attempt). */
  private async attempt(mailbox: string, messageId: string, body: Uint8Array, attempt: number, previous: string | null): Promise<void> {
    const { scheduler, rng } = this.deps;
    const up = this.deps.servers.filter((s) => s.up);
    const server = up.length > 0 ? rng.pick(up) : (this.deps.servers[0] as ReplicaServer);
    if (previous !== null && previous !== server.name) this.deps.probes.hit('smtp-retry-elsewhere');
    await clientRequest(this.deps, {
      server,
      process: this.process,
      f: 'deliver',
      value: { mailbox, messageId, attempt, sizeBytes: body.length },
      op: (replica) => replica.deliver(mailbox, body),
      okValue: ({ guid, uid, uidValidity }) => ({ guid, uid, uidValidity }),
      write: true,
      done: (result) => {
        if (result) {
          this.deps.metrics.deliveryCount++;
          if (result.uid === 0) this.deps.metrics.deferred(result.guid, scheduler.nowMs);
          this.busy = false;
        } else if (attempt >= SMTP_ATTEMPTS_MAX) {
          this.deps.probes.hit('smtp-gave-up');
          this.busy = false;
        } else {
          // Unknown outcome or refusal: try again later with the same Message-ID.
          scheduler.after(SMTP_BACKOFF_MS * attempt, `smtp retry ${messageId}`, () => this.attempt(mailbox, messageId, body, attempt + 1, server.name));
        }
      },
    });
  }
}

export interface ClientRequest<T, F extends ClientKind = ClientKind> {
  readonly server: ReplicaServer;
  readonly process: string;
  readonly f: F;
  readonly value: ClientValues[F];
  readonly op: (replica: MailStore) => Promise<T>;
  /** Fields the ok record adds to `value`, from the server's answer. */
  readonly okValue: (result: T) => Partial<ClientValues[F]>;
  /** A write is a commit (stamped with the server's vector clock); a read is not. */
  readonly write: boolean;
  /**
   * Runs once the request completes: with the answer and the server's vector clock as of
   * the answer when ok (a write's own stamp; for a read, what the server had applied), with null when not.
   */
  readonly done?: (result: T | null, vclock: VectorClock) => void;
}

/** One IMAP request: an invoke record, then ok, fail (refused) or info (crash: outcome unknown). */
export async function clientRequest<T, F extends ClientKind>(deps: ClientDeps, request: ClientRequest<T, F>): Promise<void> {
  const { history } = deps;
  const { server, process, f, value } = request;
  history.append(server.name, process, 'invoke', f, value as ValueOf<F>);
  deps.metrics.clientOpCount++;
  const complete: Completion<T> = (outcome) => {
    request.done?.(outcome.ok ? outcome.value : null, outcome.ok ? outcome.vclock : {});
    if (outcome.ok) {
      const extra = request.write ? { vclock: outcome.vclock } : {};
      history.append(server.name, process, 'ok', f, { ...value, ...request.okValue(outcome.value), ...extra } as ValueOf<F>);
      return;
    }
    const type = outcome.error instanceof CrashError ? 'info' : 'fail';
    history.append(server.name, process, type, f, { ...value, reason: reasonOf(outcome.error) } as ValueOf<F>);
  };
  // A paused server handles the request when it resumes; the client waits, as on a stopped process.
  await server.whenRunning(async () => {
    if (!server.up) return complete({ ok: false, error: new MailsimError('E_DOWN', `${server.name} is down: connection refused`, {}) });
    if (!request.write) {
      try {
        const result = await request.op(server.store as MailStore);
        complete({ ok: true, value: result, vclock: server.vclock });
      } catch (error) {
        complete({ ok: false, error });
      }
      return;
    }
    await server.execute(f, request.op, complete);
  });
}

export class ImapClient {
  readonly process: string;
  busy = false;
  private readonly deps: ClientDeps;
  private readonly home: number;
  private readonly views = new Map<string, MailboxView>();
  /** What this session was told, for its session guarantee (./sessionMemory.ts). */
  private readonly memory = new SessionMemory();
  private appendCounter = 0;
  /** Its own stream for keyword writes, so they never shift the draws of the rest of the workload. */
  private readonly keywordRng: Rng;
  /** The written keywords only this client adds. */
  private readonly owned: readonly string[];
  /** GUID -> the flags this client last read on it (a FETCH in SELECT, or a STORE's answer). */
  private readonly flagsRead = new Map<string, readonly string[]>();
  /** GUID -> its owned keywords it ever added or read there: it never adds them there again. */
  private readonly keywordsUsed = new Map<string, Set<string>>();
  /** The server of the last request, and whether that request died with it (no answer, server down): a probe's input only. */
  private last: { readonly server: string; interrupted: boolean } | null = null;

  constructor(index: number, deps: ClientDeps) {
    this.process = `imap-${index}`;
    this.deps = { ...deps, rng: deps.rng.stream(this.process) };
    this.home = index % deps.servers.length;
    this.keywordRng = this.deps.rng.stream('keywords');
    this.owned = ownedKeywords(index, deps.config.workload.imapClients, deps.config.workload.keywords.length);
  }

  /** The home server, or the next one that is up (fail-over). */
  private server(): ReplicaServer | null {
    const servers = this.deps.servers;
    for (let i = 0; i < servers.length; i++) {
      const server = servers[(this.home + i) % servers.length] as ReplicaServer;
      if (server.up) return server;
    }
    return null;
  }

  async run(kind: 'select' | 'store' | 'expunge' | 'move' | 'copy' | 'append'): Promise<void> {
    const server = this.server();
    if (!server) return;
    if (this.last?.interrupted === true && this.last.server !== server.name) this.deps.probes.hit('client-failover-mid-request');
    const mailboxes = [...(server.store as MailStore).state.mailboxes.keys()].sort();
    const mailbox = this.deps.rng.pick(mailboxes);
    const view = this.views.get(mailbox);
    if (kind === 'select' || !view || view.messages.size === 0) return this.select(server, mailbox);
    // The view lists UIDs in ascending order (select), so the pick is the same on every backend.
    const uids = [...view.messages.keys()];
    const uid = this.deps.rng.pick(uids);
    const guid = view.messages.get(uid) as string;
    if (kind === 'store') return this.store(server, mailbox, view, uid, guid);
    if (kind === 'expunge') return this.expunge(server, mailbox, view, uid, guid);
    if (kind === 'append') return this.append(server, mailbox);
    const others = mailboxes.filter((m) => m !== mailbox);
    if (others.length === 0) return this.select(server, mailbox);
    return this.moveOrCopy(server, kind, mailbox, this.deps.rng.pick(others), view, uid, guid);
  }

  private request<T, F extends ClientKind>(server: ReplicaServer, f: F, value: ClientValues[F], op: (r: MailStore) => Promise<T>, okValue: (result: T) => Partial<ClientValues[F]>, write: boolean): Promise<void> {
    this.busy = true;
    const named = value as Partial<Record<'mailbox' | 'from' | 'to', unknown>>;
    const mailboxes = [named.mailbox, named.from, named.to].filter((m): m is string => typeof m === 'string');
    const guarded = (replica: MailStore): Promise<T> => {
      const behind = this.behind(replica, mailboxes);
      if (behind) this.deps.probes.hit('replica-behind-refused');
      if (behind) return Promise.reject(new MailsimError('E_IMAP_NO', `NO [UNAVAILABLE] ${behind}`, {}));
      return op(replica);
    };
    const last = { server: server.name, interrupted: false };
    this.last = last;
    const done = (result: T | null): void => {
      this.busy = false;
      last.interrupted = result === null && !server.up;
    };
    return clientRequest(this.deps, { server, process: this.process, f, value, op: guarded, okValue, write, done });
  }

  /**
   * Session guarantee of the cluster's front end (monotonic reads, read your writes): a
   * replica that does not reflect what this session saw of the mailboxes a request names
   * refuses it, so a client that fails over is told to come back later instead of seeing
   * UIDs and MODSEQs go backwards, or a UID it knows name another message. Judged from what
   * the client itself saw (./sessionMemory.ts), never from a clock the server hands back.
   */
  private behind(replica: MailStore, mailboxes: readonly string[]): string | null {
    for (const name of mailboxes) {
      const box = replica.committed.mailboxes.get(name);
      const behind = box ? this.memory.behind(replica.node, box) : null;
      if (behind) return behind;
    }
    return null;
  }

  private async select(server: ReplicaServer, mailbox: string): Promise<void> {
    await this.request(server, 'select', { mailbox }, async (replica) => {
      const box = replica.committed.mailboxes.get(mailbox);
      if (!box) throw new MailsimError('E_IMAP_NO', `NO no such mailbox ${mailbox}`, {});
      return box;
    }, (box) => {
      const previous = this.views.get(mailbox);
      const fresh = !previous || previous.uidValidity !== box.uidValidity;
      const view: MailboxView = fresh ? { uidValidity: box.uidValidity, uidNext: box.uidNext, highestModseq: 0, messages: new Map() } : previous;
      const seen: SeenMessage[] = [];
      view.messages.clear();
      // In UID order, not the message map's (which follows GUIDs, and each backend makes its
      // own): the same seed then picks the same message on every backend while their UIDs
      // agree, so `mailsim diff` compares one workload, not two. Sorted once per SELECT, not
      // once per request.
      const listed = [...allMessages(box.messages)].filter((message) => message.uid !== 0).sort((a, b) => a.uid - b.uid);
      for (const message of listed) {
        view.messages.set(message.uid, message.guid);
        // After the first SELECT, report only what changed since the last HIGHESTMODSEQ (CONDSTORE).
        if (fresh || message.modseq > view.highestModseq) {
          seen.push({ uid: message.uid, guid: message.guid, flags: message.flags, modseq: message.modseq });
          this.read(message.guid, message.flags);
        }
      }
      view.uidNext = box.uidNext;
      view.highestModseq = box.highestModseq;
      this.views.set(mailbox, view);
      this.memory.selected(box);
      return { uidValidity: box.uidValidity, uidNext: box.uidNext, exists: view.messages.size, highestModseq: box.highestModseq, messages: seen };
    }, false);
  }

  private async store(server: ReplicaServer, mailbox: string, view: MailboxView, uid: number, guid: string): Promise<void> {
    const { rng, config } = this.deps;
    const pool = [...SYSTEM_FLAGS.filter((f) => f !== '\\Deleted'), ...config.workload.keywords];
    const drawnMode = rng.pick(['+', '+', '-', '-', '='] as const);
    const drawn = drawnMode === '=' ? rng.shuffle(pool).slice(0, rng.int(0, 2)).sort() : [rng.pick(pool)];
    const { mode, flags } = this.keywordWrite(guid) ?? { mode: drawnMode, flags: drawnMode === '=' ? this.keepReadKeywords(guid, drawn) : drawn };
    this.deps.metrics.flagChangeCount++;
    this.deps.metrics.flagDeltaBytes.push(guid.length + flags.join(' ').length + 2);
    await this.request(server, 'store', { mailbox, uidValidity: view.uidValidity, uid, guid, mode, flags }, underValidity(mailbox, view.uidValidity, (r) => r.store(mailbox, [uid], mode, flags), this.deps.probes), (result) => {
      const changed = result.changed[0];
      if (changed) this.memory.message(mailbox, view.uidValidity, uid, changed.guid, changed.modseq);
      if (changed) this.read(guid, changed.flags);
      return { flagsAfter: changed?.flags ?? null, modseq: changed?.modseq ?? null };
    }, true);
  }

  /**
   * A keyword write, or null for a drawn flag write: removes a written keyword this client
   * read on the message, or adds one of its own it never added or read there, so every
   * acknowledged add is a new element of the message's keyword set (sim/writtenKeywords.ts).
   * Only on a message whose flags it has read: a copy may carry keywords it would not know of.
   */
  private keywordWrite(guid: string): { mode: '+' | '-'; flags: string[] } | null {
    const rng = this.keywordRng;
    const read = this.flagsRead.get(guid);
    if (!rng.chance(KEYWORD_STORE_SHARE) || read === undefined) return null;
    const readWritten = read.filter(isWrittenKeyword);
    if (readWritten.length > 0 && rng.chance(KEYWORD_REMOVE_SHARE)) return { mode: '-', flags: [rng.pick(readWritten)] };
    const used = this.keywordsUsed.get(guid) ?? new Set<string>();
    const fresh = this.owned.find((keyword) => !used.has(keyword));
    if (fresh === undefined) return null;
    used.add(fresh);
    this.keywordsUsed.set(guid, used);
    return { mode: '+', flags: [fresh] };
  }

  /** A '=' STORE names the written keywords the client read there, so it removes only keywords it has not seen. */
  private keepReadKeywords(guid: string, flags: readonly string[]): string[] {
    const kept = (this.flagsRead.get(guid) ?? []).filter(isWrittenKeyword);
    return [...new Set([...flags, ...kept])].sort();
  }

  /** What the client read of a message's flags: its own keywords there count as used. */
  private read(guid: string, flags: readonly string[]): void {
    this.flagsRead.set(guid, flags);
    const owned = flags.filter((flag) => this.owned.includes(flag));
    if (owned.length === 0) return;
    const used = this.keywordsUsed.get(guid) ?? new Set<string>();
    for (const keyword of owned) used.add(keyword);
    this.keywordsUsed.set(guid, used);
  }

  private async expunge(server: ReplicaServer, mailbox: string, view: MailboxView, uid: number, guid: string): Promise<void> {
    await this.request(server, 'expunge', { mailbox, uidValidity: view.uidValidity, uids: [uid], guids: [guid] }, underValidity(mailbox, view.uidValidity, (r) => r.expunge(mailbox, [uid]), this.deps.probes), (result) => {
      view.messages.delete(uid);
      for (const gone of result.expunged) this.memory.removed(mailbox, view.uidValidity, gone);
      return { expunged: result.expunged };
    }, true);
  }

  private async moveOrCopy(server: ReplicaServer, f: 'move' | 'copy', from: string, to: string, view: MailboxView, uid: number, guid: string): Promise<void> {
    await this.request(server, f, { from, to, uidValidity: view.uidValidity, uid, guid }, underValidity(from, view.uidValidity, (r) => (f === 'move' ? r.move(from, [uid], to) : r.copy(from, [uid], to)), this.deps.probes), (result) => {
      if (f === 'move') view.messages.delete(uid);
      const copyGuid = 'targetGuids' in result ? (result.targetGuids as string[])[0] : undefined;
      const toUid = result.targetUids[0] ?? 0;
      if (toUid > 0) {
        this.memory.message(to, result.uidValidity, toUid, copyGuid ?? guid);
        if (f === 'move') this.memory.removed(from, view.uidValidity, uid);
      }
      return { toUidValidity: result.uidValidity, toUid, toGuid: copyGuid ?? guid };
    }, true);
  }

  private async append(server: ReplicaServer, mailbox: string): Promise<void> {
    const { rng, config } = this.deps;
    this.appendCounter++;
    const messageId = `<a${this.appendCounter}.${this.process}@mailsim.test>`;
    const size = rng.int(config.workload.messageSizeBytes.min, config.workload.messageSizeBytes.max);
    const body = messageBody(messageId, size, rng);
    const flags = rng.chance(0.5) ? ['\\Seen'] : [];
    await this.request(server, 'append', { mailbox, messageId, attempt: 1, sizeBytes: body.length }, (r) => r.append(mailbox, body, flags), (result) => {
      this.memory.message(mailbox, result.uidValidity, result.uid, result.guid, result.modseq);
      return { guid: result.guid, uid: result.uid, uidValidity: result.uidValidity };
    }, true);
  }
}
