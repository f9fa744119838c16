/**
 * A preauthenticated IMAP session with Dovecot's imap binary on stdio, one process per
 * session, no listener. Node's stdio pipes are socketpairs, which the binary takes for an
 * inetd connection and refuses, so it runs between two `cat`s (`cat | imap | cat`), which
 * give it real pipes. Commands go one at a time and each waits for its tagged answer, so the
 * untagged responses between are that command's: Dovecot runs pipelined commands in
 * parallel and interleaves their output.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { assert } from '../../core/errors.ts';
import { DovecotFailedError } from './dovecotErrors.ts';
import { DOVECOT_IMAP_PATH, ENV_PATH, dovecotEnvArgs, requireDovecot, type DovecotHome } from './dovecotEnv.ts';
import { killGroup } from './runProcess.ts';

/** Deadline of one whole session, from start to exit (a session takes tens of ms). */
export const IMAP_SESSION_TIMEOUT_MS = 30_000;

/** A command without its tag; `literal` is sent after it as a LITERAL+ `{n+}` (APPEND's message). */
export type ImapCommand = string | { readonly text: string; readonly literal: Uint8Array };

export interface ImapResponse {
  /** The command as sent, without tag, a literal shown as `{n+}`. */
  readonly command: string;
  /** The untagged responses (`* ...`) the server sent while this command ran, without CRLF, literals inline. */
  readonly untagged: readonly string[];
  readonly status: 'OK' | 'NO' | 'BAD';
  /** The tagged status's text after OK/NO/BAD, response code included: `[APPENDUID 7 1] Append completed`. */
  readonly text: string;
}

export interface ImapTranscript {
  /** The `* PREAUTH ...` line. */
  readonly greeting: string;
  readonly responses: readonly ImapResponse[];
}

/** What differs between the IMAP servers a connection can drive: their greeting and their error. */
export interface ImapServerKind {
  /** How the server's first line starts: `* PREAUTH` (Dovecot's imap binary), `* OK` (a server that wants LOGIN). */
  readonly greeting: string;
  readonly failure: (what: string, reason: string, exitCode: number | null, stderr: string) => Error;
}

const DOVECOT_IMAP: ImapServerKind = {
  greeting: '* PREAUTH',
  failure: (what, reason, exitCode, stderr) => new DovecotFailedError(what, reason, exitCode, stderr),
};

/** Something an IMAP session can be opened on: a Dovecot home, or another server's endpoint. */
export interface ImapEndpoint {
  readonly name: string;
  connect(): Promise<ImapConnection>;
}

interface Pending {
  readonly tag: string;
  readonly command: string;
  readonly untagged: string[];
  readonly resolve: (response: ImapResponse) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Cuts one complete response off the front of `buffer`: a line up to CRLF, continued past
 * each `{n}` literal. Null until all of it has arrived.
 */
function takeResponse(buffer: Buffer): { response: string; rest: Buffer } | null {
  let at = 0;
  for (;;) {
    const eol = buffer.indexOf('\r\n', at);
    if (eol < 0) return null;
    const literal = /\{(\d+)\}$/.exec(buffer.subarray(at, eol).toString('latin1'));
    if (literal === null) return { response: buffer.subarray(0, eol).toString('latin1'), rest: buffer.subarray(eol + 2) };
    at = eol + 2 + Number(literal[1]);
    if (buffer.length < at) return null;
  }
}

/** One imap process. Open with ImapConnection.open, end with logout() (or kill() on error). */
export class ImapConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private pending: Pending | null = null;
  private greetingWait: { resolve: (line: string) => void; reject: (error: Error) => void } | null;
  private greetingLine = '';
  private failure: Error | null = null;
  /** Set by logout() and kill(): the exit that follows is expected. */
  private closing = false;
  private stderr = '';
  private nextTag = 1;
  private readonly exited: Promise<void>;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly what: string,
    greeting: { resolve: (line: string) => void; reject: (error: Error) => void },
    private readonly server: ImapServerKind,
  ) {
    this.greetingWait = greeting;
    this.timer = setTimeout(() => this.fail(`timed out after ${IMAP_SESSION_TIMEOUT_MS} ms`, null), IMAP_SESSION_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    child.stdin.on('error', () => {
      // EPIPE when imap has exited; 'close' reports it.
    });
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        clearTimeout(this.timer);
        this.fail(`imap exited with ${code ?? signal} before answering`, code);
        resolve();
      });
    });
    child.on('error', (error) => this.fail(`cannot start imap: ${error.message}`, null));
  }

  /** Starts imap for `home` and waits for its PREAUTH greeting. */
  static open(home: DovecotHome): Promise<ImapConnection> {
    requireDovecot();
    // The program and its arguments go to sh as "$@": nothing is quoted, so nothing can be misquoted.
    const child = spawn('/bin/sh', ['-c', 'cat | "$@" | cat', 'sh', ENV_PATH, ...dovecotEnvArgs(home), DOVECOT_IMAP_PATH, '-c', home.conf], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    return ImapConnection.attach(child, `imap on ${home.name}`, DOVECOT_IMAP);
  }

  /**
   * Takes over an IMAP server process already started on stdio (detached, so kill() ends its
   * group) and waits for the greeting `server` expects.
   */
  static async attach(child: ChildProcessWithoutNullStreams, what: string, server: ImapServerKind): Promise<ImapConnection> {
    let connection: ImapConnection | undefined;
    const greeted = new Promise<string>((resolve, reject) => {
      connection = new ImapConnection(child, what, { resolve, reject }, server);
    });
    assert(connection !== undefined, 'the Promise executor runs synchronously');
    connection.greetingLine = await greeted;
    return connection;
  }

  /** The server's `* PREAUTH [CAPABILITY ...] ...` line. */
  get greeting(): string {
    return this.greetingLine;
  }

  /** Sends one command and waits for its tagged answer; NO and BAD are answers, not errors. */
  command(command: ImapCommand): Promise<ImapResponse> {
    assert(this.pending === null, 'one IMAP command at a time');
    if (this.failure !== null) return Promise.reject(this.failure);
    const text = typeof command === 'string' ? command : command.text;
    assert(!/[\r\n]/.test(text), 'an IMAP command line holds no CR or LF');
    const tag = `m${this.nextTag++}`;
    const shown = typeof command === 'string' ? text : `${text} {${command.literal.length}+}`;
    return new Promise((resolve, reject) => {
      this.pending = { tag, command: shown, untagged: [], resolve, reject };
      if (typeof command === 'string') this.child.stdin.write(`${tag} ${text}\r\n`);
      else {
        this.child.stdin.write(`${tag} ${shown}\r\n`);
        this.child.stdin.write(command.literal);
        this.child.stdin.write('\r\n');
      }
    });
  }

  /** LOGOUT, then waits for the process to exit. */
  async logout(): Promise<void> {
    const response = await this.command('LOGOUT');
    if (response.status !== 'OK') throw this.failureError(`LOGOUT answered ${response.status} ${response.text}`, null);
    this.closing = true;
    this.child.stdin.end();
    await this.exited;
  }

  /** Ends the process group at once (after an error; a session left half-done changes nothing). */
  async kill(): Promise<void> {
    this.closing = true;
    killGroup(this.child.pid);
    await this.exited;
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const taken = takeResponse(this.buffer);
      if (taken === null) return;
      this.buffer = taken.rest;
      this.handle(taken.response);
    }
  }

  private handle(response: string): void {
    if (this.greetingWait !== null) {
      const greeting = this.greetingWait;
      this.greetingWait = null;
      if (response.startsWith(this.server.greeting)) greeting.resolve(response);
      else this.fail(`expected a ${this.server.greeting} greeting, got ${JSON.stringify(response.slice(0, 200))}`, null, greeting.reject);
      return;
    }
    const pending = this.pending;
    // Unsolicited responses (a BYE before exit) belong to no command.
    if (pending === null) return;
    if (!response.startsWith(`${pending.tag} `)) {
      if (response.startsWith('* ')) pending.untagged.push(response);
      return;
    }
    const match = /^\S+ (OK|NO|BAD) ?(.*)$/s.exec(response);
    this.pending = null;
    if (match === null) {
      pending.reject(this.failureError(`unreadable tagged response ${JSON.stringify(response.slice(0, 200))}`, null));
      return;
    }
    pending.resolve({ command: pending.command, untagged: pending.untagged, status: match[1] as ImapResponse['status'], text: match[2] ?? '' });
  }

  private failureError(reason: string, exitCode: number | null): Error {
    return this.server.failure(this.what, reason, exitCode, this.stderr);
  }

  /** Records the first failure and rejects whoever waits; after logout, an exit is no failure. */
  private fail(reason: string, exitCode: number | null, rejectGreeting?: (error: Error) => void): void {
    if (this.closing && this.pending === null) return;
    const error = this.failure ?? this.failureError(reason, exitCode);
    this.failure = error;
    const greeting = this.greetingWait;
    this.greetingWait = null;
    (rejectGreeting ?? greeting?.reject)?.(error);
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
    killGroup(this.child.pid);
  }
}

/** Runs `body` in one imap session and logs out; on an error the process is killed, the error rethrown. */
export async function withImap<T>(home: DovecotHome | ImapEndpoint, body: (imap: ImapConnection) => Promise<T>): Promise<T> {
  const imap = await ('connect' in home ? home.connect() : ImapConnection.open(home));
  let result: T;
  try {
    result = await body(imap);
  } catch (error) {
    await imap.kill();
    throw error;
  }
  await imap.logout();
  return result;
}

/** Runs `commands` in order in one session (all of them, whatever each answers), then LOGOUT. */
export async function imapSession(home: DovecotHome | ImapEndpoint, commands: readonly ImapCommand[]): Promise<ImapTranscript> {
  return withImap(home, async (imap) => {
    const responses: ImapResponse[] = [];
    for (const command of commands) responses.push(await imap.command(command));
    return { greeting: imap.greeting, responses };
  });
}
