// mailsim diff on hand-built runs: histories and final states as the checkers' tests build
// them, through the same view, comparison and classes the command uses.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from 'commander';
import { HistoryBuilder, converged, mailbox, message, seen } from '../../sim/checkers/historyBuilder.ts';
import type { Message } from '../../../core/state.ts';
import type { ReplicaKind } from '../../../sim/replicaKinds.ts';
import type { CheckResult } from '../../../sim/resultTypes.ts';
import { classify, type DiffClass } from '../../../cli/diff/classes.ts';
import { compareViews } from '../../../cli/diff/compare.ts';
import { diffResultsMarkdown } from '../../../cli/diff/diffMarkdown.ts';
import { diffExitCode, diffTotals } from '../../../cli/diff/describe.ts';
import { partsAt, type SeedDiff } from '../../../cli/diff/runDiff.ts';
import { populationMessageId, runViewOf, type RunView } from '../../../cli/diff/runView.ts';
import { parseReplicas } from '../../../cli/commands/options.ts';

const P0 = populationMessageId('INBOX', 0);
const P1 = populationMessageId('INBOX', 1);
const POPULATION = { mailboxes: [{ name: 'INBOX', initialMessages: 2 }, { name: 'Archive', initialMessages: 0 }] };

/** Both servers start with p0 (UID 1) and p1 (UID 2); each backend names them its own way. */
function started(prefix: string): HistoryBuilder {
  const history = new HistoryBuilder();
  history.select('A', 'imap-0', { uidValidity: 1, uidNext: 3, messages: [seen(1, `${prefix}-1`), seen(2, `${prefix}-2`)] });
  history.select('B', 'imap-1', { uidValidity: 1, uidNext: 3, messages: [seen(1, `${prefix}-1`), seen(2, `${prefix}-2`)] });
  return history;
}

function populated(prefix: string, flags: { p0?: string[]; p1?: string[] } = {}): Message[] {
  return [message(`${prefix}-1`, 1, { messageId: P0, flags: flags.p0 ?? [] }), message(`${prefix}-2`, 2, { messageId: P1, flags: flags.p1 ?? [] })];
}

function check(verdict: CheckResult['verdict'], evidence: number[] = []): CheckResult {
  return { verdict, judgedCount: 1, judgedWhat: 'things', count: verdict === 'invalid' ? 1 : 0, evidence, explanation: verdict };
}

function view(replica: ReplicaKind, history: HistoryBuilder, inbox: Message[], options: { archive?: Message[]; checks?: Record<string, CheckResult> } = {}): RunView {
  const finals = converged(['A', 'B'], [mailbox('INBOX', inbox), mailbox('Archive', options.archive ?? [])]);
  return runViewOf({ replica, history: history.records, finals, checks: options.checks ?? { 'no-lost-flags': check('valid') }, population: POPULATION });
}

function classesOf(reference: RunView, other: RunView): (DiffClass | null)[] {
  return classify(compareViews(reference, other), reference, other).map((c) => c.diffClass);
}

/** A adds \Seen and B adds \Flagged to p0 while they cannot see each other's write. */
function concurrentStores(prefix: string): HistoryBuilder {
  const history = started(prefix);
  history.store('A', 'imap-0', { uid: 1, guid: `${prefix}-1`, mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'] });
  history.store('B', 'imap-1', { uid: 1, guid: `${prefix}-1`, mode: '+', flags: ['\\Flagged'] }, 'ok', { flagsAfter: ['\\Flagged'] });
  return history;
}

describe('mailsim diff: comparison', () => {
  it('finds nothing between two runs that ended alike', () => {
    const reference = view('git', concurrentStores('g'), populated('g', { p0: ['\\Flagged', '\\Seen'] }));
    const other = view('dsync', concurrentStores('d'), populated('d', { p0: ['\\Flagged', '\\Seen'] }));
    expect(compareViews(reference, other)).toEqual([]);
  });

  it('names the population by Message-ID whatever GUIDs each backend gave it', () => {
    const reference = view('git', concurrentStores('g'), populated('g'));
    expect(reference.traces.get(P0)?.map((step) => `${step.node} ${step.detail}`)).toEqual(['A +\\Seen', 'B +\\Flagged']);
  });

  it('reports presence, duplicates and mailbox per Message-ID', () => {
    const reference = view('git', started('g'), populated('g'));
    const gone = view('dsync', started('d'), [message('d-2', 2, { messageId: P1 })], { archive: [message('d-1', 1, { messageId: P0 })] });
    const twice = view('dsync', started('d'), [...populated('d'), message('d-3', 3, { messageId: P1 })]);
    expect(compareViews(reference, gone).map((d) => d.kind)).toEqual(['mailbox']);
    expect(compareViews(reference, twice).map((d) => d.kind)).toEqual(['duplicates']);
    expect(compareViews(reference, view('dsync', started('d'), populated('d').slice(1))).map((d) => d.kind)).toEqual(['presence']);
  });

  it('says where two workloads part', () => {
    expect(partsAt(['a', 'b', 'c'], ['a', 'b', 'c'])).toBeNull();
    expect(partsAt(['a', 'b', 'c'], ['a', 'x', 'c'])).toBe(1);
    expect(partsAt(['a'], ['a', 'b'])).toBe(1);
  });
});

describe('mailsim diff: classes', () => {
  it('copy-back-duplicate: Cyrus holds a message twice, once at a UID no client was answered; the same end on dsync is unexplained', () => {
    const reference = view('git', started('g'), populated('g'));
    const twice = (prefix: string): Message[] => [...populated(prefix), message(`${prefix}-9`, 7, { messageId: P0 })];
    expect(classesOf(reference, view('cyrus', started('c'), twice('c')))).toEqual(['copy-back-duplicate']);
    expect(classesOf(reference, view('dsync', started('d'), twice('d')))).toEqual([null]);
  });

  it('causal-order-differs: the same writes, ordered on one backend and concurrent on the other, each end value allowed by its own run', () => {
    // A's client reads B (after B's +$w1 in one run, before it in the other) and then writes `= work` on A.
    const run = (prefix: string, readsAfterWrite: boolean): HistoryBuilder => {
      const history = started(prefix);
      const read = () => history.select('B', 'imap-0', { uidValidity: 1, uidNext: 3, messages: [seen(1, `${prefix}-1`), seen(2, `${prefix}-2`)] });
      if (!readsAfterWrite) read();
      history.store('B', 'imap-1', { uid: 1, guid: `${prefix}-1`, mode: '+', flags: ['$w1'] }, 'ok', { flagsAfter: ['$w1'] });
      if (readsAfterWrite) read();
      history.store('A', 'imap-0', { uid: 1, guid: `${prefix}-1`, mode: '=', flags: ['work'] }, 'ok', { flagsAfter: ['work'] });
      return history;
    };
    const reference = view('git', run('g', false), populated('g', { p0: ['$w1', 'work'] }));
    expect(classesOf(reference, view('dsync', run('d', true), populated('d', { p0: ['work'] })))).toEqual(['causal-order-differs']);
    // Control: where `= work` came after B's write, keeping $w1 is what no run allows.
    const wrong = view('dsync', run('d', true), populated('d', { p0: ['$w1', 'work'] }));
    expect(classesOf(view('git', run('g', true), populated('g', { p0: ['work'] })), wrong)).toEqual([null]);
  });

  it('move-outlives-expunge: a MOVE and a concurrent EXPUNGE of its source; the real backend keeps the moved copy, the reference lets the expunge win', () => {
    const moveAndExpunge = (prefix: string): HistoryBuilder => {
      const h = started(prefix);
      h.transfer('move', 'A', 'imap-0', { to: 'Archive', uid: 1, guid: `${prefix}-1` }, 'ok', { toUid: 1 });
      h.expunge('B', 'imap-1', { uids: [1], guids: [`${prefix}-1`] }, 'ok');
      return h;
    };
    const reference = view('git', moveAndExpunge('g'), [message('g-2', 2, { messageId: P1 })]);
    const kept = view('dsync', moveAndExpunge('d'), [message('d-2', 2, { messageId: P1 })], { archive: [message('d-1', 1, { messageId: P0 })] });
    expect(classesOf(reference, kept)).toEqual(['move-outlives-expunge']);
    // Control: kept in the source mailbox, where the expunge should have reached it.
    const inSource = view('dsync', moveAndExpunge('d'), populated('d'));
    expect(classesOf(reference, inSource)).toEqual([null]);
  });

  it('delete-drops-delivery: a delivery into a mailbox another server deleted concurrently; the real backend loses it, the reference recovers it into INBOX', () => {
    const deleteAndDeliver = (prefix: string, deleter: string): HistoryBuilder => {
      const h = started(prefix);
      h.op(deleter, `script-${deleter}`, 'delete', { mailbox: 'Archive', guids: [] }, 'ok', { guids: [] });
      h.deliver('B', { mailbox: 'Archive', messageId: '<n@x>', guid: `${prefix}-n`, uid: 1 }, 'ok', 'smtp-1');
      return h;
    };
    const reference = view('git', deleteAndDeliver('g', 'A'), [...populated('g'), message('g-n', 3, { messageId: '<n@x>' })]);
    expect(classesOf(reference, view('dsync', deleteAndDeliver('d', 'A'), populated('d')))).toEqual(['delete-drops-delivery']);
    expect(classesOf(reference, view('cyrus', deleteAndDeliver('c', 'A'), populated('c')))).toEqual(['delete-drops-delivery']);
    // Control: the DELETE ran on the delivering server itself, so nothing was concurrent with it.
    const sameServer = view('git', deleteAndDeliver('g', 'B'), [...populated('g'), message('g-n', 3, { messageId: '<n@x>' })]);
    expect(classesOf(sameServer, view('dsync', deleteAndDeliver('d', 'B'), populated('d')))).toEqual([null]);
  });

  it('clash-timing: a delivery given a UID another server also gave is renumbered where the clash happened only', () => {
    const deliveries = (prefix: string, bUid: number): HistoryBuilder => {
      const h = started(prefix);
      h.deliver('A', { messageId: '<m@x>', guid: `${prefix}-m`, uid: 3 });
      h.deliver('B', { messageId: '<n@x>', guid: `${prefix}-n`, uid: bUid }, 'ok', 'smtp-1');
      return h;
    };
    const inbox = (prefix: string, mUid: number, nUid: number): Message[] => [...populated(prefix), message(`${prefix}-m`, mUid, { messageId: '<m@x>' }), message(`${prefix}-n`, nUid, { messageId: '<n@x>' })];
    const reference = view('git', deliveries('g', 4), inbox('g', 3, 4));
    expect(classesOf(reference, view('dsync', deliveries('d', 3), inbox('d', 4, 5)))).toEqual(['clash-timing', 'clash-timing']);
    // Renumbered in the other order (by GUID) on the side that clashed: the order difference is the clash's too.
    expect(classesOf(reference, view('dsync', deliveries('d', 3), inbox('d', 5, 4)))).toEqual(['clash-timing', 'clash-timing', 'clash-timing']);
    // Control: renumbered with no clash to explain it.
    expect(classesOf(reference, view('dsync', deliveries('d', 4), inbox('d', 5, 6)))).toEqual([null, null]);
  });

  it('flag-record-overwrite: also when later stores that change nothing follow the overwrite', () => {
    const withLater = (prefix: string): HistoryBuilder => {
      const history = concurrentStores(prefix);
      history.store('A', 'imap-0', { uid: 1, guid: `${prefix}-1`, mode: '-', flags: ['\\Draft'] }, 'ok', { flagsAfter: ['\\Seen'] });
      history.select('A', 'imap-1', { uidValidity: 1, uidNext: 3, messages: [seen(1, `${prefix}-1`), seen(2, `${prefix}-2`)] });
      history.store('B', 'imap-1', { uid: 1, guid: `${prefix}-1`, mode: '-', flags: ['\\Draft'] }, 'ok', { flagsAfter: ['\\Seen'] });
      return history;
    };
    const reference = view('git', withLater('g'), populated('g', { p0: ['\\Flagged', '\\Seen'] }));
    expect(classesOf(reference, view('cyrus', withLater('c'), populated('c', { p0: ['\\Seen'] })))).toEqual(['flag-record-overwrite']);
    expect(classesOf(reference, view('dsync', withLater('d'), populated('d', { p0: ['\\Seen'] })))).toEqual([null]);
  });

  it('flag-record-overwrite: Cyrus ends with one server\'s whole flag record after concurrent stores', () => {
    const reference = view('git', concurrentStores('g'), populated('g', { p0: ['\\Flagged', '\\Seen'] }));
    const other = view('cyrus', concurrentStores('c'), populated('c', { p0: ['\\Seen'] }));
    expect(classesOf(reference, other)).toEqual(['flag-record-overwrite']);
  });

  it('control: the same end on a backend that keeps no flag record is unexplained', () => {
    const reference = view('git', concurrentStores('g'), populated('g', { p0: ['\\Flagged', '\\Seen'] }));
    const other = view('dsync', concurrentStores('d'), populated('d', { p0: ['\\Seen'] }));
    expect(classesOf(reference, other)).toEqual([null]);
  });

  it('concurrent-flag-either-value: concurrent set and clear of one flag may end either way', () => {
    const history = (prefix: string): HistoryBuilder => {
      const h = started(prefix);
      h.store('A', 'imap-0', { uid: 1, guid: `${prefix}-1`, mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'] });
      h.store('B', 'imap-1', { uid: 1, guid: `${prefix}-1`, mode: '-', flags: ['\\Seen'] }, 'ok', { flagsAfter: [] });
      return h;
    };
    expect(classesOf(view('git', history('g'), populated('g', { p0: ['\\Seen'] })), view('dsync', history('d'), populated('d')))).toEqual(['concurrent-flag-either-value']);
  });

  it('move-is-copy-plus-expunge: dsync loses a flag stored while another server moved the message', () => {
    const history = (prefix: string): HistoryBuilder => {
      const h = started(prefix);
      h.transfer('move', 'A', 'imap-0', { to: 'Archive', uid: 2, guid: `${prefix}-2` }, 'ok', { toUid: 1 });
      h.store('B', 'imap-1', { uid: 2, guid: `${prefix}-2`, mode: '+', flags: ['\\Flagged'] }, 'ok', { flagsAfter: ['\\Flagged'] });
      return h;
    };
    const reference = view('git', history('g'), populated('g').slice(0, 1), { archive: [message('g-2', 1, { messageId: P1, flags: ['\\Flagged'] })] });
    const other = view('dsync', history('d'), populated('d').slice(0, 1), { archive: [message('d-2', 1, { messageId: P1 })] });
    expect(classesOf(reference, other)).toEqual(['move-is-copy-plus-expunge']);
  });

  it('workload-diverged: the message\'s client writes differ between the runs', () => {
    const extra = concurrentStores('d');
    extra.store('A', 'imap-0', { uid: 1, guid: 'd-1', mode: '-', flags: ['\\Flagged'] }, 'ok', { flagsAfter: ['\\Seen'] });
    const reference = view('git', concurrentStores('g'), populated('g', { p0: ['\\Flagged', '\\Seen'] }));
    expect(classesOf(reference, view('dsync', extra, populated('d', { p0: ['\\Seen'] })))).toEqual(['workload-diverged']);
  });

  it('timing-only: the same writes in another order', () => {
    const reordered = started('d');
    reordered.store('B', 'imap-1', { uid: 1, guid: 'd-1', mode: '+', flags: ['\\Flagged'] }, 'ok', { flagsAfter: ['\\Flagged'] });
    reordered.store('A', 'imap-0', { uid: 1, guid: 'd-1', mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Flagged', '\\Seen'] });
    const reference = view('git', concurrentStores('g'), populated('g', { p0: ['\\Flagged', '\\Seen'] }));
    expect(classesOf(reference, view('dsync', reordered, populated('d', { p0: ['\\Seen'] })))).toEqual(['timing-only']);
  });

  /** m1 delivered on A and m2 on B, both answered UID 3 while apart. */
  function splitBrain(prefix: string): HistoryBuilder {
    const history = started(prefix);
    history.deliver('A', { messageId: '<m1>', guid: `${prefix}-m1`, uid: 3 });
    history.deliver('B', { messageId: '<m2>', guid: `${prefix}-m2`, uid: 3 }, 'ok', 'smtp-1');
    return history;
  }

  it('renumber-order: both backends renumbered the clashing messages, in another order', () => {
    const reference = view('git', splitBrain('g'), [...populated('g'), message('g-m1', 4, { messageId: '<m1>' }), message('g-m2', 5, { messageId: '<m2>' })]);
    const other = view('cyrus', splitBrain('c'), [...populated('c'), message('c-m2', 4, { messageId: '<m2>' }), message('c-m1', 5, { messageId: '<m1>' })]);
    expect(classesOf(reference, other)).toEqual(['renumber-order']);
  });

  it('control: an order difference without renumbering on both sides is unexplained', () => {
    const reference = view('git', splitBrain('g'), [...populated('g'), message('g-m1', 3, { messageId: '<m1>' }), message('g-m2', 4, { messageId: '<m2>' })]);
    const other = view('cyrus', splitBrain('c'), [...populated('c'), message('c-m2', 4, { messageId: '<m2>' }), message('c-m1', 5, { messageId: '<m1>' })]);
    const classified = classify(compareViews(reference, other), reference, other);
    expect(classified.find((c) => c.difference.kind === 'uid-order')?.diffClass).toBeNull();
  });

  it('a failed check is explained by the backend behaviour its evidence shows, and only then', () => {
    const history = concurrentStores('c');
    const lostWrite = history.records.length - 1;
    const reference = view('git', concurrentStores('g'), populated('g', { p0: ['\\Flagged', '\\Seen'] }));
    const failing = { 'no-lost-flags': check('invalid', [lostWrite]) };
    const cyrus = view('cyrus', history, populated('c', { p0: ['\\Seen'] }), { checks: failing });
    expect(classify(compareViews(reference, cyrus), reference, cyrus).find((c) => c.difference.kind === 'verdict')?.diffClass).toBe('flag-record-overwrite');
    const dsync = view('dsync', concurrentStores('c'), populated('c', { p0: ['\\Seen'] }), { checks: failing });
    expect(classify(compareViews(reference, dsync), reference, dsync).find((c) => c.difference.kind === 'verdict')?.diffClass).toBeNull();
  });
});

describe('mailsim diff: exit code and input', () => {
  function seedOf(reference: RunView, other: RunView): SeedDiff {
    const run = (replica: ReplicaKind) => ({ replica, verdict: 'valid' as const, failedChecks: [], replayCommand: `mailsim run x.yaml --seed 1 --set replica=${replica}`, wallMs: 1, workloadPartsAt: null });
    return { file: 'x.yaml', seed: 1, runs: [run(reference.replica), run(other.replica)], pairs: [{ reference: reference.replica, other: other.replica, differences: classify(compareViews(reference, other), reference, other) }] };
  }

  it('exits 0 when every difference has a class and 1 when one has none', () => {
    const reference = view('git', concurrentStores('g'), populated('g', { p0: ['\\Flagged', '\\Seen'] }));
    const explained = diffTotals([seedOf(reference, view('cyrus', concurrentStores('c'), populated('c', { p0: ['\\Seen'] })))]);
    const unexplained = diffTotals([seedOf(reference, view('dsync', concurrentStores('d'), populated('d', { p0: ['\\Seen'] })))]);
    expect(explained.byPair['git vs cyrus']).toEqual({ 'flag-record-overwrite': 1 });
    expect(diffExitCode(explained)).toBe(0);
    expect(unexplained.unexplainedCount).toBe(1);
    expect(diffExitCode(unexplained)).toBe(1);
  });

  it('--markdown writes the counts per class and every unexplained difference with its replay command', () => {
    const reference = view('git', concurrentStores('g'), populated('g', { p0: ['\\Flagged', '\\Seen'] }));
    const seeds = [seedOf(reference, view('cyrus', concurrentStores('c'), populated('c', { p0: ['\\Seen'] }))), { ...seedOf(reference, view('dsync', concurrentStores('d'), populated('d', { p0: ['\\Seen'] }))), seed: 2 }];
    const stamp = { command: 'mailsim diff x.yaml --seeds 2', commit: 'abc', wallMs: 60_000, cores: 2, loadAverageStart: [1], loadAverageEnd: [2] };
    const text = diffResultsMarkdown(seeds, stamp);
    expect(text).toContain('Measured by `mailsim diff x.yaml --seeds 2` at commit `abc`');
    expect(text).toContain('### `x.yaml`, seeds 1-2');
    expect(text).toMatch(/\| git vs cyrus \| 1 \| 0 \|/);
    expect(text).toMatch(/\| git vs dsync \| 0 \| 1 \|/);
    expect(text).toContain('- seed 2, git vs dsync: flags');
    expect(text).toContain('replay `mailsim run x.yaml --seed 1 --set replica=dsync`');
  });

  it('--replicas takes two or more known backends, each once', () => {
    expect(parseReplicas('git,dsync,cyrus')).toEqual(['git', 'dsync', 'cyrus']);
    expect(() => parseReplicas('git,postfix')).toThrow(InvalidArgumentError);
    expect(() => parseReplicas('git')).toThrow(/at least two/);
    expect(() => parseReplicas('git,git')).toThrow(/twice/);
  });
});

describe('mailsim diff: bad input exits 2 with one line', () => {
  async function cli(argv: string[]): Promise<{ code: number; stderr: string }> {
    const { runCli } = await import('../../../cli/commands/program.ts');
    let stderr = '';
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
    try {
      return { code: await runCli(argv, '0.0.0'), stderr };
    } finally {
      process.stderr.write = write;
    }
  }

  it('refuses an unknown replica', async () => {
    const { code, stderr } = await cli(['diff', 'scenarios/split-brain-same-uid.yaml', '--replicas', 'git,postfix']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown replica "postfix"/);
  });

  it('refuses a backend whose programs are missing, naming how to install them', async () => {
    const saved = process.env['MAILSIM_CYRUS_DIR'];
    process.env['MAILSIM_CYRUS_DIR'] = '/nonexistent/mailsim-cyrus';
    try {
      const { code, stderr } = await cli(['diff', 'scenarios/split-brain-same-uid.yaml', '--replicas', 'git,cyrus']);
      expect(code).toBe(2);
      expect(stderr).toMatch(/cannot run replica=cyrus: Cyrus is not installed here .*\[E_DIFF_INPUT\]/);
    } finally {
      if (saved === undefined) delete process.env['MAILSIM_CYRUS_DIR'];
      else process.env['MAILSIM_CYRUS_DIR'] = saved;
    }
  });

  it('refuses a file that names no backends to compare', async () => {
    const { code, stderr } = await cli(['diff', 'test/e2e/fixtures/tiny-valid.yaml']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/name the backends to compare with --replicas/);
  });
});

describe('mailsim diff: renumbering follows the whole mailbox', () => {
  it('workload-diverged: a message renumbered on one side only, because another message arrived there on that side alone', () => {
    const reference = started('g');
    reference.deliver('A', { messageId: '<m1>', guid: 'g-m1', uid: 3 });
    const other = started('c');
    other.deliver('A', { messageId: '<m1>', guid: 'c-m1', uid: 3 });
    other.deliver('B', { messageId: '<m2>', guid: 'c-m2', uid: 3 }, 'ok', 'smtp-1');
    const git = view('git', reference, [...populated('g'), message('g-m1', 3, { messageId: '<m1>' })]);
    const cyrus = view('cyrus', other, [...populated('c'), message('c-m2', 4, { messageId: '<m2>' }), message('c-m1', 5, { messageId: '<m1>' })]);
    const classified = classify(compareViews(git, cyrus), git, cyrus);
    expect(classified.map((c) => `${c.difference.kind} ${c.diffClass}`)).toEqual(['renumbered workload-diverged', 'presence workload-diverged']);
  });
});

describe('mailsim diff: the classes are documented', () => {
  it('docs/diff.md lists every class of cli/diff/classes.ts, and no other', async () => {
    const { readFile } = await import('node:fs/promises');
    const { DIFF_CLASSES } = await import('../../../cli/diff/classes.ts');
    const doc = await readFile('docs/diff.md', 'utf8');
    const section = doc.slice(doc.indexOf('## Classes'), doc.indexOf('\n## ', doc.indexOf('## Classes') + 1));
    const listed = [...section.matchAll(/^\| `([a-z-]+)` \|/gm)].map((match) => match[1]);
    expect(listed.sort()).toEqual(Object.keys(DIFF_CLASSES).sort());
  });
});
