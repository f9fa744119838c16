// Proves mailsim run's progress bar is never created with --json or off a terminal, and on a terminal draws virtual time, client ops and events per wall second, then clears itself.
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { eventRate, startRunProgress } from '../../cli/runProgress.ts';

/** A stream that records what is written and claims (or not) to be a terminal. */
function fakeStream(isTTY: boolean): PassThrough & { isTTY: boolean; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return Object.assign(stream, { isTTY, text: () => chunks.join('') });
}

const progress = (nowMs: number, eventCount: number, clientOpCount: number) => ({ nowMs, durationMs: 45_000, eventCount, clientOpCount });

describe('startRunProgress', () => {
  it('creates no bar when stderr is not a terminal, or with --json', () => {
    expect(startRunProgress({ json: false, stream: fakeStream(false), wallMs: () => 0 })).toBeNull();
    expect(startRunProgress({ json: true, stream: fakeStream(true), wallMs: () => 0 })).toBeNull();
    expect(startRunProgress({ json: true, stream: fakeStream(false), wallMs: () => 0 })).toBeNull();
  });

  it('on a terminal, draws virtual time, client ops and events per wall second, and clears the line at the end', async () => {
    const stream = fakeStream(true);
    let wallMs = 1_000;
    const bar = startRunProgress({ json: false, stream, wallMs: () => wallMs });
    expect(bar).not.toBeNull();
    bar?.onProgress(progress(5_000, 250, 39));
    wallMs += 500;
    bar?.onProgress(progress(19_100, 750, 133));
    bar?.stop();
    await new Promise((resolve) => setImmediate(resolve));
    const text = stream.text();
    expect(text).toContain('5.0/45.0 s virtual | 39 client ops | - events/s');
    // The final render on stop shows the last report: 500 events in 500 wall ms.
    expect(text).toContain('19.1/45.0 s virtual | 133 client ops | 1000 events/s');
    expect(text.endsWith('\x1B[2K')).toBe(true);
  });

  it('says converging once virtual time passes the scenario duration', async () => {
    const stream = fakeStream(true);
    const bar = startRunProgress({ json: false, stream, wallMs: () => 0 });
    bar?.onProgress(progress(46_000, 2_000, 300));
    bar?.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.text()).toContain('46.0/45.0 s converging | 300 client ops');
  });

  it('stop before any report draws nothing', () => {
    const stream = fakeStream(true);
    startRunProgress({ json: false, stream, wallMs: () => 0 })?.stop();
    expect(stream.text()).toBe('');
  });
});

describe('eventRate', () => {
  it('counts events per wall second since the first report, and shows - without an interval', () => {
    expect(eventRate({ eventCount: 250, wallMs: 1_000 }, 250, 1_000)).toBe('-');
    expect(eventRate({ eventCount: 250, wallMs: 1_000 }, 1_250, 3_000)).toBe('500');
  });
});
