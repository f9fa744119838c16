/**
 * A pool of worker threads that runs tasks (one run each) and reports every outcome as it
 * arrives. A task module exports `runTask(task)`; each worker imports it once. Stopping
 * (the abort signal, Ctrl-C) ends dispatch and terminates the workers at once: outcomes
 * already reported are kept, runs in flight are dropped. Draining (the drain signal, a
 * time budget) ends dispatch only: the runs in flight finish and are reported.
 */
import { Worker } from 'node:worker_threads';

export interface WorkerRequest {
  readonly id: number;
  readonly task: unknown;
}

/** wallMs: how long the task ran in its worker (wall clock; shown in progress, never in results). */
export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown; readonly wallMs: number }
  | { readonly id: number; readonly ok: false; readonly error: string; readonly code: string | null; readonly wallMs: number };

export type TaskOutcome<R> =
  | { readonly ok: true; readonly value: R; readonly wallMs: number }
  | { readonly ok: false; readonly error: string; readonly code: string | null; readonly wallMs: number | null };

export interface PoolOptions<T, R> {
  /** file: URL of a module exporting runTask(task: T): Promise<R>. */
  readonly taskModule: URL;
  readonly tasks: readonly T[];
  readonly jobs: number;
  readonly onOutcome: (task: T, outcome: TaskOutcome<R>, taskIndex: number) => void;
  readonly signal?: AbortSignal;
  /** Once aborted, no further task starts; tasks in flight still finish and are reported. */
  readonly drain?: AbortSignal;
  /** Asked just before a task would start: true leaves it unrun and unreported (a search that has its answer). */
  readonly skip?: (task: T) => boolean;
}

const WORKER_ENTRY = new URL('./sweepWorker.mjs', import.meta.url);

interface Slot {
  worker: Worker;
  taskIndex: number | null;
}

/** Runs every task; resolves when all are done or the signal stopped the pool. */
export async function runInWorkers<T, R>(options: PoolOptions<T, R>): Promise<{ completed: number; interrupted: boolean }> {
  const { tasks, signal, drain } = options;
  const jobs = Math.max(1, Math.min(options.jobs, tasks.length));
  let nextTask = 0;
  let completed = 0;
  if (tasks.length === 0) return { completed, interrupted: false };
  return new Promise((resolve, reject) => {
    const slots: Slot[] = [];
    let finished = false;
    const stop = (): void => {
      finished = true;
      signal?.removeEventListener('abort', onAbort);
      // The pool has its answer: nothing depends on when a thread has stopped, and terminate() does not reject.
      for (const slot of slots) void slot.worker.terminate();
    };
    const finish = (interrupted: boolean): void => {
      if (finished) return;
      stop();
      resolve({ completed, interrupted });
    };
    /** Hands one outcome to the caller; if the caller throws (a full disk...), the pool stops and rejects with it. */
    const deliver = (taskIndex: number, outcome: TaskOutcome<R>): void => {
      completed++;
      try {
        options.onOutcome(tasks[taskIndex] as T, outcome, taskIndex);
      } catch (error) {
        if (!finished) stop();
        reject(error);
      }
    };
    const onAbort = (): void => finish(true);
    const mayStart = (): boolean => {
      while (nextTask < tasks.length && options.skip?.(tasks[nextTask] as T) === true) nextTask++;
      return nextTask < tasks.length && drain?.aborted !== true;
    };
    const dispatch = (slot: Slot): void => {
      if (finished) return;
      if (!mayStart()) {
        slot.taskIndex = null;
        if (slots.every((s) => s.taskIndex === null)) finish(false);
        return;
      }
      slot.taskIndex = nextTask++;
      slot.worker.postMessage({ id: slot.taskIndex, task: tasks[slot.taskIndex] } satisfies WorkerRequest);
    };
    const report = (slot: Slot, outcome: TaskOutcome<R>): void => {
      const taskIndex = slot.taskIndex;
      if (taskIndex === null || finished) return;
      deliver(taskIndex, outcome);
      dispatch(slot);
    };
    const failRemaining = (error: string): void => {
      while (mayStart() && !finished) {
        deliver(nextTask++, { ok: false, error, code: null, wallMs: null });
      }
      if (slots.every((s) => s.taskIndex === null)) finish(false);
    };
    const start = (slot: Slot | null): Slot => {
      const worker = new Worker(WORKER_ENTRY, { workerData: { taskModule: options.taskModule.href } });
      const current: Slot = slot ?? { worker, taskIndex: null };
      current.worker = worker;
      let death = 'exited';
      worker.on('message', (message: WorkerReply | { ready: true }) => {
        if ('ready' in message) dispatch(current);
        else if (message.ok) report(current, { ok: true, value: message.value as R, wallMs: message.wallMs });
        else report(current, { ok: false, error: message.error, code: message.code, wallMs: message.wallMs });
      });
      worker.on('error', (error: Error) => {
        death = error.message.split('\n')[0] ?? 'error';
      });
      worker.on('exit', () => {
        // A worker that dies takes its run with it: report that run, then replace the worker.
        if (finished) return;
        const taskIndex = current.taskIndex;
        current.taskIndex = null;
        if (taskIndex !== null) deliver(taskIndex, { ok: false, error: `mailsim: worker died: ${death}`, code: null, wallMs: null });
        if (finished) return;
        if (taskIndex === null) {
          // It died before taking a task: the task module does not load. Every remaining task would fail alike.
          failRemaining(`mailsim: worker could not start: ${death}`);
          return;
        }
        if (mayStart()) start(current);
        else if (slots.every((s) => s.taskIndex === null)) finish(false);
      });
      return current;
    };
    if (signal?.aborted) {
      finish(true);
      return;
    }
    signal?.addEventListener('abort', onAbort);
    for (let job = 0; job < jobs; job++) slots.push(start(null));
  });
}
