// The remote command of a dsync (dsyncSession.ts): stands between `doveadm sync` and the other
// replica's `doveadm dsync-server`, like ssh would, and counts the bytes each way so the
// simulator can charge dsync's real wire cost. With a kill point it SIGKILLs the server once
// that many bytes have passed, which is how a simulated crash lands mid-sync at a drawn byte.
// Plain Node, no dependencies: doveadm runs it as root with an environment that has no PATH.
//
// usage: node relay.mjs <countsFile> <killAfterBytes|-1> <program> [args...]
// writes {"toServer":N,"fromServer":M,"killed":bool} to countsFile when the server is gone.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

// Exit status when the kill point was reached (distinct from dsync-server's own statuses).
const KILLED_EXIT_CODE = 86;
// Exit status for a bad command line.
const USAGE_EXIT_CODE = 64;

const [countsFile, killArg, program, ...args] = process.argv.slice(2);
const killAfterBytes = Number(killArg);
if (countsFile === undefined || program === undefined || !Number.isInteger(killAfterBytes)) {
  process.stderr.write('relay.mjs: usage: relay.mjs <countsFile> <killAfterBytes|-1> <program> [args...]\n');
  process.exit(USAGE_EXIT_CODE);
}

const counts = { toServer: 0, fromServer: 0, killed: false };
let finished = false;
function finish(code) {
  if (finished) return;
  finished = true;
  writeFileSync(countsFile, JSON.stringify(counts));
  process.exit(code);
}

// stderr is inherited: doveadm shows the server's complaints in its own stderr.
const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'inherit'] });

// How many of `length` bytes may pass before the kill point; Infinity without one.
function allowance(length) {
  if (killAfterBytes < 0) return length;
  return Math.max(0, Math.min(length, killAfterBytes - counts.toServer - counts.fromServer));
}

function kill() {
  counts.killed = true;
  child.kill('SIGKILL');
  // Flush what already passed to doveadm, then die as a crashed remote would: mid-stream.
  process.stdout.write('', () => finish(KILLED_EXIT_CODE));
}

function forward(chunk, direction, sink, source) {
  if (counts.killed) return;
  const pass = allowance(chunk.length);
  const part = pass === chunk.length ? chunk : chunk.subarray(0, pass);
  counts[direction] += part.length;
  if (part.length > 0 && !sink.write(part)) {
    source.pause();
    sink.once('drain', () => source.resume());
  }
  if (killAfterBytes >= 0 && counts.toServer + counts.fromServer >= killAfterBytes) kill();
}

process.stdin.on('data', (chunk) => forward(chunk, 'toServer', child.stdin, process.stdin));
process.stdin.on('end', () => child.stdin.end());
child.stdout.on('data', (chunk) => forward(chunk, 'fromServer', process.stdout, child.stdout));
child.stdin.on('error', () => {
  // EPIPE after the server exited or was killed: its exit status tells the story.
});
process.stdout.on('error', () => {
  // doveadm closed our stdout (it failed or finished first): nothing more to deliver.
});
child.on('error', (error) => {
  process.stderr.write(`relay.mjs: cannot run ${program}: ${error.message}\n`);
  finish(USAGE_EXIT_CODE);
});
child.on('close', (code, signal) => {
  if (counts.killed) return;
  process.stdout.write('', () => finish(code ?? (signal === null ? 1 : 128)));
});
