/**
 * One subprocess, awaited, with a hard deadline. Every Dovecot process this driver starts
 * goes through here so none can hang a simulation: at the deadline its whole process group
 * is killed (doveadm sync starts the relay and dsync-server under it; sh starts cat | imap | cat).
 */
import { spawn } from 'node:child_process';
import { DovecotFailedError } from './dovecotErrors.ts';

export interface ProcessResult {
  /** null when a signal ended it. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  /** It was killed at the deadline. */
  readonly timedOut: boolean;
}

export interface ProcessOptions {
  readonly timeoutMs: number;
  /** Written to stdin, which is then closed; without it stdin is closed at once. */
  readonly input?: Uint8Array;
}

/** Kills a detached child's whole group; it may already be gone. */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already exited: nothing left to kill.
  }
}

export function runProcess(file: string, args: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    // Detached: its own process group, so the deadline kills grandchildren too.
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => {
      // EPIPE when the process exits before reading its input; its exit status tells why.
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new DovecotFailedError(file, `cannot start it: ${error.message}`, null, ''));
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8'), timedOut });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}
