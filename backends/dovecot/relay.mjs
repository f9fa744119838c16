// The remote command of a dsync (dsyncSession.ts): stands between `doveadm sync` and the other
// replica's `doveadm dsync-server`, like ssh would, and counts the bytes each way so the
// simulator can charge dsync's real wire cost. With a kill point it SIGKILLs the server once
// that many bytes have passed, which is how a simulated crash lands mid-sync at a drawn byte.
// Plain Node, no dependencies: doveadm runs it as root with an environment that has no PATH.
//
// usage: node relay.mjs <countsFile> <killAfterBytes|-1> <program> [args...]
// writes {"toServer":N,"fromServer":M,"killed":bool} to countsFile when the server is gone.
import { spawn } from 'node:child_process';
import { countingPipe, parseRelayArgs, USAGE_EXIT_CODE } from '../countingPipe.mjs';

// Exit status when the kill point was reached (distinct from dsync-server's own statuses).
const KILLED_EXIT_CODE = 86;

const parsed = parseRelayArgs(process.argv, 1);
if (parsed === null) {
  process.stderr.write('relay.mjs: usage: relay.mjs <countsFile> <killAfterBytes|-1> <program> [args...]\n');
  process.exit(USAGE_EXIT_CODE);
}
const { named: [countsFile], killAfterBytes, program, args } = parsed;

// stderr is inherited: doveadm shows the server's complaints in its own stderr.
const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'inherit'] });
const pipe = countingPipe(countsFile, killAfterBytes, () => {
  child.kill('SIGKILL');
  // Flush what already passed to doveadm, then die as a crashed remote would: mid-stream.
  process.stdout.write('', () => pipe.finish(KILLED_EXIT_CODE));
});

process.stdin.on('data', (chunk) => pipe.forward(chunk, 'toServer', child.stdin, process.stdin));
process.stdin.on('end', () => child.stdin.end());
child.stdout.on('data', (chunk) => pipe.forward(chunk, 'fromServer', process.stdout, child.stdout));
child.stdin.on('error', () => {
  // EPIPE after the server exited or was killed: its exit status tells the story.
});
process.stdout.on('error', () => {
  // doveadm closed our stdout (it failed or finished first): nothing more to deliver.
});
child.on('error', (error) => {
  process.stderr.write(`relay.mjs: cannot run ${program}: ${error.message}\n`);
  pipe.finish(USAGE_EXIT_CODE);
});
child.on('close', (code, signal) => {
  if (pipe.counts.killed) return;
  process.stdout.write('', () => pipe.finish(code ?? (signal === null ? 1 : 128)));
});
