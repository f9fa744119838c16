// Helper for CLI end-to-end tests: runs `node cli/bin.mjs ...` as a user would and captures exit code, stdout and stderr.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Called once with the child, e.g. to send it SIGINT. */
  readonly onSpawn?: (child: ReturnType<typeof spawn>) => void;
}

export function mailsim(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, MAILSIM_DEBUG: undefined, MAILSIM_SHARD: undefined, JOB_COMPLETION_INDEX: undefined, ...options.env };
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    options.onSpawn?.(child);
  });
}

/** A stack trace line, which bad input must never print. */
export const STACK_LINE = /^\s+at .+\(?.*:\d+:\d+\)?$/m;
