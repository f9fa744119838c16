// The replica's end of one Cyrus replication session (syncSession.ts). `sync_client` has no
// stdio mode: it connects to its config's `sync_host`, which may be the path of a UNIX socket.
// This relay listens on such a path for exactly one connection, removes the path at once (so
// nothing else can connect, and no listener outlives the session), starts the replica's
// `sync_server -X` on stdio, and passes the bytes between them, counting them each way. With
// a kill point it SIGKILLs the server once that many bytes have passed: a crash mid-sync.
// Plain Node, no dependencies.
//
// usage: node syncRelay.mjs <socketPath> <countsFile> <killAfterBytes|-1> <program> [args...]
// prints "ready\n" on stdout once it listens; writes {"toServer":N,"fromServer":M,"killed":bool}
// to countsFile when the session is over.
import { spawn } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { countingPipe, parseRelayArgs, USAGE_EXIT_CODE } from '../countingPipe.mjs';

const parsed = parseRelayArgs(process.argv, 2);
if (parsed === null) {
  process.stderr.write('syncRelay.mjs: usage: syncRelay.mjs <socketPath> <countsFile> <killAfterBytes|-1> <program> [args...]\n');
  process.exit(USAGE_EXIT_CODE);
}
const { named: [socketPath, countsFile], killAfterBytes, program, args } = parsed;

const server = createServer((socket) => {
  // One connection only: stop listening and take the path away before anything else runs.
  server.close();
  rmSync(socketPath, { force: true });
  // stderr is inherited: the server's complaints land in the session's captured output.
  const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const pipe = countingPipe(countsFile, killAfterBytes, () => {
    child.kill('SIGKILL');
    socket.destroy();
  });
  socket.on('data', (chunk) => pipe.forward(chunk, 'toServer', child.stdin, socket));
  socket.on('end', () => child.stdin.end());
  socket.on('error', () => {
    // sync_client went away (it failed or was killed): the server's exit tells the story.
  });
  child.stdin.on('error', () => {
    // EPIPE after the server exited or was killed.
  });
  child.stdout.on('data', (chunk) => pipe.forward(chunk, 'fromServer', socket, child.stdout));
  child.on('error', (error) => {
    process.stderr.write(`syncRelay.mjs: cannot run ${program}: ${error.message}\n`);
    socket.destroy();
    pipe.finish(USAGE_EXIT_CODE);
  });
  // Done when both the server and the connection are closed, in whichever order.
  let exitCode = null;
  let socketClosed = false;
  const done = () => {
    if (exitCode !== null && socketClosed) pipe.finish(exitCode);
  };
  socket.on('close', () => {
    socketClosed = true;
    done();
  });
  child.on('close', (code, signal) => {
    exitCode = pipe.counts.killed ? 0 : code ?? (signal === null ? 1 : 128);
    socket.end();
    done();
  });
});
server.on('error', (error) => {
  process.stderr.write(`syncRelay.mjs: cannot listen on ${socketPath}: ${error.message}\n`);
  process.exit(USAGE_EXIT_CODE);
});
server.listen(socketPath, () => {
  // Cyrus started as root drops to its own user, which must be able to connect.
  chmodSync(socketPath, 0o777);
  process.stdout.write('ready\n');
});
