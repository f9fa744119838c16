/**
 * The body of one sweep worker thread: loads the task module named in workerData and
 * answers each {id, task} message with {id, ok, value} or {id, ok: false, error, code}.
 * Errors are reduced to one line here, so no stack crosses the thread boundary.
 */
import './fixedIds.ts';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { MailsimError } from '../core/errors.ts';
import { describeError } from './commands/program.ts';
import type { WorkerReply, WorkerRequest } from './sweepPool.ts';

interface TaskModule {
  runTask(task: unknown): Promise<unknown>;
}

const port = parentPort;
if (port === null) throw new Error('assertion failed: sweepWorker runs in a worker thread');
const { taskModule } = workerData as { taskModule: string };
const module = (await import(taskModule)) as TaskModule;

port.on('message', (request: WorkerRequest) => {
  const startMs = performance.now();
  // Both outcomes are handled (a reply either way) and the reply is all the pool waits for,
  // so the message handler need not wait for the run.
  void module.runTask(request.task).then(
    (value) => port.postMessage({ id: request.id, ok: true, value, wallMs: performance.now() - startMs } satisfies WorkerReply),
    (error: unknown) => {
      const code = error instanceof MailsimError ? error.code : null;
      const message = describeError(error, process.env.MAILSIM_DEBUG === '1');
      port.postMessage({ id: request.id, ok: false, error: message, code, wallMs: performance.now() - startMs } satisfies WorkerReply);
    },
  );
});
port.postMessage({ ready: true });
