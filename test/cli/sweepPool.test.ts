// Proves the worker pool runs TypeScript tasks in worker threads, reports every outcome once, survives a dying worker, and keeps finished outcomes when stopped.
import { describe, expect, it } from 'vitest';
import { runInWorkers, type TaskOutcome } from '../../cli/sweepPool.ts';
import type { EchoTask } from './fixtures/echoTask.ts';

const taskModule = new URL('./fixtures/echoTask.ts', import.meta.url);

async function runAll(tasks: EchoTask[], jobs: number, signal?: AbortSignal) {
  const outcomes = new Map<number, TaskOutcome<{ doubled: number; threadId: number }>>();
  const run = await runInWorkers<EchoTask, { doubled: number; threadId: number }>({
    taskModule,
    tasks,
    jobs,
    signal,
    onOutcome: (task, outcome, index) => {
      expect(outcomes.has(index)).toBe(false);
      outcomes.set(index, outcome);
    },
  });
  return { run, outcomes };
}

describe('runInWorkers', () => {
  it('leaves unrun and unreported the tasks `skip` refuses when they come up, and runs the rest', async () => {
    const seen: number[] = [];
    const run = await runInWorkers<EchoTask, { doubled: number; threadId: number }>({
      taskModule,
      tasks: Array.from({ length: 6 }, (_, n) => ({ n })),
      jobs: 1,
      // Decided when a task comes up, so what finished may change it: after task 1, skip every odd one.
      skip: (task) => seen.includes(1) && task.n % 2 === 1,
      onOutcome: (task) => seen.push(task.n),
    });
    expect(seen).toEqual([0, 1, 2, 4]);
    expect(run).toEqual({ completed: 4, interrupted: false });
  });

  it('runs every task in worker threads and reports each once', async () => {
    const tasks = Array.from({ length: 12 }, (_, n) => ({ n }));
    const { run, outcomes } = await runAll(tasks, 2);
    expect(run).toEqual({ completed: 12, interrupted: false });
    for (const [index, outcome] of outcomes) {
      expect(outcome.ok && outcome.value.doubled).toBe(index * 2);
      expect(outcome.ok && outcome.value.threadId).toBeGreaterThan(0);
    }
  });

  it('runs tasks at the same time in different threads', async () => {
    const barrier = { counter: new SharedArrayBuffer(4), parties: 2 };
    const outcomes: TaskOutcome<{ metPeers: boolean; threadId: number }>[] = [];
    await runInWorkers<EchoTask, { metPeers: boolean; threadId: number }>({
      taskModule,
      tasks: [{ n: 1, barrier }, { n: 2, barrier }],
      jobs: 2,
      onOutcome: (_task, outcome) => outcomes.push(outcome),
    });
    expect(outcomes.map((o) => o.ok && o.value.metPeers)).toEqual([true, true]);
    expect(new Set(outcomes.map((o) => (o.ok ? o.value.threadId : 0))).size).toBe(2);
  });

  it('reports errors as one line with the MailsimError code, and carries on', async () => {
    const { outcomes } = await runAll([{ n: 1, mode: 'bad' }, { n: 2, mode: 'typed' }, { n: 3 }], 1);
    const bad = outcomes.get(0);
    expect(bad?.ok).toBe(false);
    expect(!bad?.ok && bad?.error).toMatch(/^mailsim: unexpected error: TypeError: bad task 1 .*MAILSIM_DEBUG/);
    const typed = outcomes.get(1);
    expect(!typed?.ok && typed?.code).toBe('E_SCENARIO');
    expect(outcomes.get(2)?.ok).toBe(true);
  });

  it('replaces a worker that dies and reports its run as failed', async () => {
    const { run, outcomes } = await runAll([{ n: 1 }, { n: 2, mode: 'die' }, { n: 3 }, { n: 4 }], 1);
    expect(run.completed).toBe(4);
    expect(outcomes.get(1)?.ok).toBe(false);
    expect(outcomes.get(3)?.ok).toBe(true);
  });

  it('stops when aborted and keeps what finished', async () => {
    const controller = new AbortController();
    const tasks: EchoTask[] = [{ n: 1 }, { n: 2, mode: 'hang' }, { n: 3 }];
    const seen: number[] = [];
    const run = await runInWorkers<EchoTask, { doubled: number }>({
      taskModule,
      tasks,
      jobs: 1,
      signal: controller.signal,
      onOutcome: (task) => {
        seen.push(task.n);
        if (task.n === 1) setTimeout(() => controller.abort(), 50);
      },
    });
    expect(run).toEqual({ completed: 1, interrupted: true });
    expect(seen).toEqual([1]);
  });
});

describe('runInWorkers when the caller fails', () => {
  it('stops and rejects with the error onOutcome threw', async () => {
    const run = runInWorkers<EchoTask, unknown>({
      taskModule,
      tasks: [{ n: 1 }, { n: 2 }, { n: 3 }],
      jobs: 1,
      onOutcome: () => {
        throw new Error('disk full');
      },
    });
    await expect(run).rejects.toThrow('disk full');
  });
});
