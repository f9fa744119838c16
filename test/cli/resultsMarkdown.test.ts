// docs/results.md is a pure function of what `mailsim results` read: figures beside their
// targets with met or missed, absent inputs named with the command that measures them, and a
// header stamping commit, date, machine and load.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { renderResultsMarkdown, formatValue, type ExploreFigures, type ResultsInputs, type ResultsStamp } from '../../cli/resultsMarkdown.ts';
import { isMutationReport, mutationScores, summarizeRuns } from '../../cli/resultsRuns.ts';
import { EXPLORE_WALL_SECONDS_MAX, meetsTarget, STORE_BYTES_PER_FLAG_CHANGE_MAX, STORE_FLAG_COMMITS_PER_SEC_MIN } from '../../cli/bench/targets.ts';
import type { RunResult } from '../../sim/resultTypes.ts';

const stamp: ResultsStamp = {
  commit: '0123456789abcdef0123456789abcdef01234567',
  dateIso: '2026-01-02T03:04:05.000Z',
  cores: 2,
  memoryBytes: 8e9,
  loadAverageStart: [0.5, 0.25, 0.125],
  loadAverageEnd: [1.5, 1, 0.75],
};

const noInputs: ResultsInputs = { stamp, benches: [], explores: [], runSets: [], mutation: null };

/** The table row whose first cell is `label`. */
function rowOf(markdown: string, label: string): string {
  const line = markdown.split('\n').find((candidate) => candidate.startsWith(`| ${label} |`));
  if (line === undefined) throw new Error(`no row ${label}`);
  return line;
}

/** A real `mailsim explore scenarios/explore-two-servers.yaml --depth 4 --faults 2 --json`. */
const explored = JSON.parse(readFileSync(new URL('fixtures/explore-two-servers-depth4.json', import.meta.url), 'utf8')) as ExploreFigures;
const EXPLORE_TARGET_ROW = '`explore-two-servers.yaml`, depth 4, faults 2: every schedule within the bounds';

function withExplore(summary: ExploreFigures, command: string | null = 'mailsim explore scenarios/explore-two-servers.yaml --depth 4 --faults 2 --json'): string {
  return renderResultsMarkdown({ ...noInputs, explores: [{ file: 'explore-two-servers-depth4.json', command, summary }] });
}

function run(overrides: Partial<Omit<RunResult, 'metrics'>> & { metrics?: Partial<RunResult['metrics']> }): RunResult {
  const metrics = {
    wireBytesTotal: 1_000, clientOpCount: 10, deliveryCount: 4, flagChangeCount: 6, wireBytesPerFlagChange: 100, wireBytesPerDelivery: 200,
    commitCount: 10, mergeCommitCount: 2, renumberedMessageCount: 1, uidValidityResetCount: 0, ...overrides.metrics,
  };
  const checks = { 'uid-stable': { verdict: 'valid', judgedCount: 3, judgedWhat: 'UID bindings', count: 0, evidence: [], explanation: '' } };
  return { scenario: 'scenarios/a.yaml', seed: 1, verdict: 'valid', expect: 'valid', replayCommand: 'mailsim replay out/failures/a-seed-1.json', checks, ...overrides, metrics } as unknown as RunResult;
}

describe('renderResultsMarkdown', () => {
  it('stamps commit, date, machine and the load average at start and end', () => {
    const markdown = renderResultsMarkdown(noInputs);
    expect(markdown.startsWith('# Measured results\n')).toBe(true);
    expect(rowOf(markdown, 'commit')).toContain(stamp.commit);
    expect(rowOf(markdown, 'date')).toContain(stamp.dateIso);
    expect(rowOf(markdown, 'machine')).toBe('| machine | 2 cores, 8.0 GB memory |');
    expect(rowOf(markdown, 'load average (1, 5, 15 min) at start')).toContain('0.50, 0.25, 0.13');
    expect(rowOf(markdown, 'load average (1, 5, 15 min) at end')).toContain('1.50, 1.00, 0.75');
  });

  it('warns when the load average was above the core count, and not otherwise', () => {
    expect(renderResultsMarkdown(noInputs)).not.toContain('The machine was busy');
    expect(renderResultsMarkdown({ ...noInputs, stamp: { ...stamp, loadAverageEnd: [2.5, 1, 1] } })).toContain('**The machine was busy**: its load average was above its 2 cores.');
  });

  it('says "no git" when there is no commit', () => {
    expect(rowOf(renderResultsMarkdown({ ...noInputs, stamp: { ...stamp, commit: 'no git' } }), 'commit')).toBe('| commit | no git |');
  });

  it('puts each figure beside its target, met or missed, and names the command that measured it', () => {
    const figures = { bench: 'store', fanout10k: { flagCommitsPerSec: STORE_FLAG_COMMITS_PER_SEC_MIN - 1, bytesPerFlagChange: STORE_BYTES_PER_FLAG_CHANGE_MAX }, cases: [{ messages: 1000, layout: 'flat', bytesPerFlagChange: 65_894.5 }] };
    const markdown = renderResultsMarkdown({ ...noInputs, benches: [{ name: 'store', figures, file: 'bench-store.json', command: 'mailsim bench store --quick --json' }] });
    expect(markdown).toContain('Measured by `mailsim bench store --quick --json`.');
    expect(rowOf(markdown, 'flag commits per second')).toBe('| flag commits per second | 999/s | >= 1,000/s | **missed** |');
    expect(rowOf(markdown, 'bytes of new objects per flag change')).toBe('| bytes of new objects per flag change | 2,048 B | <= 2,048 B | met |');
    expect(rowOf(markdown, 'flag commits per CPU-second')).toBe('| flag commits per CPU-second | not measured in this run |  |  |');
    expect(rowOf(markdown, 'messages')).toBe('| messages | layout | bytesPerFlagChange |');
    expect(markdown).not.toContain('load average (1 min) when the bench finished');
    const loaded = renderResultsMarkdown({ ...noInputs, benches: [{ name: 'store', figures: { ...figures, loadAverage: [1.234, 1, 1] }, file: 'bench-store.json', command: null }] });
    expect(rowOf(loaded, 'load average (1 min) when the bench finished')).toBe('| load average (1 min) when the bench finished | 1.23 |  |  |');
    expect(loaded).toContain('Input `bench-store.json` (its command was not recorded).');
    expect(markdown).toContain('| 1,000 | flat | 65,894.5 |');
  });

  it('lists an absent bench as not measured in this run, with the command that measures it', () => {
    const markdown = renderResultsMarkdown(noInputs);
    for (const name of ['store', 'wire', 'merge', 'cluster', 'sweep', 'dsync']) {
      expect(markdown).toContain(`Not measured in this run: \`npx mailsim bench ${name} --json > DIR/bench-${name}.json\` measures it.`);
    }
    expect(rowOf(markdown, 'bytes per flag change, default layout, one commit each')).toBe('| bytes per flag change, default layout, one commit each | not measured in this run | <= 300 B | - |');
    expect(markdown).toContain('The full suite: not measured in this run; `npx mailsim suite --full');
    expect(markdown).toContain('Not measured in this run: `npm run mutation');
  });

  it('says why a skipped bench measured nothing', () => {
    const markdown = renderResultsMarkdown({ ...noInputs, benches: [{ name: 'dsync', figures: { bench: 'dsync', skipped: 'Dovecot is not installed' }, file: 'bench-dsync.json', command: 'mailsim bench dsync --quick --json' }] });
    expect(markdown).toContain('Not measured in this run: the bench was skipped (Dovecot is not installed).');
  });

  it('shows a real-client sync beside its target, and a program not measured as such', () => {
    const figures = { bench: 'clients', byClient: { mbsync: { syncMs: { median: 61.5, min: 40.2, max: 90 }, programCpuMs: 5, driverCpuMs: 6 } }, notInstalled: ['offlineimap'], loadAverage: 3 };
    const markdown = renderResultsMarkdown({ ...noInputs, benches: [{ name: 'clients', figures, file: 'bench-clients.json', command: 'mailsim bench clients --quick --json' }] });
    expect(rowOf(markdown, 'mbsync: wall ms per sync (median)')).toContain('missed');
    expect(rowOf(markdown, 'offlineimap: wall ms per sync (median)')).toContain('not measured in this run');
  });

  it('sums a set of runs, with what each checker judged', () => {
    const summary = summarizeRuns([run({}), run({ seed: 2 })]);
    const markdown = renderResultsMarkdown({ ...noInputs, runSets: [{ file: 'sweep.jsonl', command: 'mailsim sweep', summary }] });
    expect(markdown).toContain('| uid-stable | 2 of 2 | 6 UID bindings | 2 |');
  });

  it('names the commits a set of runs was made at, and counts the disk faults that struck', () => {
    const fault = (kind: string) => ({ kind, nodes: ['n1'], startMs: 1, endMs: 1, label: kind });
    const timeline = (kinds: string[]) => ({ nodes: ['n1'], faults: kinds.map(fault), ops: [], endMs: 10 });
    const summary = summarizeRuns([
      run({ code: { commit: 'abc', sourceSha256: 'x' }, timeline: timeline(['rot', 'crash', 'eio']) }),
      run({ seed: 2, code: { commit: 'abc', sourceSha256: 'x' }, timeline: timeline(['rot', 'misdirect']) }),
    ]);
    const markdown = renderResultsMarkdown({ ...noInputs, runSets: [{ file: 'sweep.jsonl', command: 'mailsim sweep', summary }] });
    expect(rowOf(markdown, 'made at commit')).toContain('`abc`');
    expect(rowOf(markdown, "disk faults that struck (from the runs' timelines)")).toContain('rot 2, misdirect 1, eio 1');
    // Runs with no code identity and no disk faults: said so, and no disk row.
    const plain = renderResultsMarkdown({ ...noInputs, runSets: [{ file: 'sweep.jsonl', command: 'mailsim sweep', summary: summarizeRuns([run({})]) }] });
    expect(rowOf(plain, 'made at commit')).toContain('not recorded');
    expect(plain).not.toContain('disk faults that struck');
  });

  it('counts every coverage probe over a set of runs and names those never hit', () => {
    const summary = summarizeRuns([run({ probes: { 'merge-three-heads': 3 } }), run({ seed: 2, probes: { 'merge-three-heads': 2, 'crash-batch-open': 1 } })]);
    const markdown = renderResultsMarkdown({ ...noInputs, runSets: [{ file: 'sweep.jsonl', command: 'mailsim sweep', summary }] });
    expect(markdown).toContain('Coverage probes ([probes.md](probes.md)): 2 of 21 hit.');
    expect(markdown).toContain('| `merge-three-heads` | 5 | 2 |');
    expect(markdown).toContain('| `crash-batch-open` | 1 | 1 |');
    expect(markdown).toMatch(/Never hit: .*`flag-without-base`/);
    // Results written before probes were counted say nothing of them.
    expect(summarizeRuns([run({})]).probes).toBeNull();
  });

  it('sums a set of runs and lists the runs not as expected with their replay commands', () => {
    const results = [run({}), run({ seed: 2, verdict: 'invalid', replayCommand: 'mailsim replay out/failures/a-seed-2.json' }), run({ seed: 3, expect: 'invalid', verdict: 'invalid', metrics: { wireBytesPerFlagChange: null } })];
    const summary = summarizeRuns(results);
    expect(summary).toMatchObject({ runs: 3, asExpected: 2, expectedInvalidCaught: 1, seedMin: 1, seedMax: 3, wireBytesPerFlagChange: 100, wireBytesPerOp: 100 });
    const markdown = renderResultsMarkdown({ ...noInputs, runSets: [{ file: 'suite/results.jsonl', command: 'mailsim suite --full', summary }] });
    expect(rowOf(markdown, 'runs as their file expects')).toBe('| runs as their file expects | 2 |');
    expect(markdown).toContain('- scenarios/a.yaml seed 2: invalid; `mailsim replay out/failures/a-seed-2.json`');
    expect(markdown).not.toContain('seed 1: valid');
  });

  it('shows an explore summary as a row with its bounds, verdict, commit, load and command, and the small world against its target', () => {
    const markdown = withExplore(explored);
    expect(markdown).toContain('## Every schedule of a small world (`mailsim explore`)');
    expect(rowOf(markdown, '`scenarios/explore-two-servers.yaml`')).toBe(
      '| `scenarios/explore-two-servers.yaml` | depth 4; faults 2; budget 600 s; branch network, workload, clients, crash, power; dedup on; seed 1 | 16 | 240 | 224 | 41/s | 5.46 s | every schedule as expected '
      + '| `776726d1d9297ce3a610894b397a20cc5bc84261+dirty` | 2 cores, 6.42 -> 6.87 | `mailsim explore scenarios/explore-two-servers.yaml --depth 4 --faults 2 --json` |');
    expect(rowOf(markdown, EXPLORE_TARGET_ROW)).toBe(`| ${EXPLORE_TARGET_ROW} | 5.46 s, every schedule as expected | every schedule run and as expected, <= 600 s | met |`);
    // A summary written before explore stamped its summaries, with no command beside it.
    const { code: _code, cores: _cores, loadAverageStart: _start, loadAverageEnd: _end, ...unstamped } = explored;
    const old = rowOf(withExplore(unstamped, null), '`scenarios/explore-two-servers.yaml`');
    expect(old).toContain('| every schedule as expected | not recorded | not recorded | not recorded (`explore-two-servers-depth4.json`) |');
  });

  it('shows an explore that found a failing schedule, ran out of budget or of time as missing its target', () => {
    const failing = withExplore({ ...explored, asExpected: 237, notAsExpected: 3, unknown: 1, firstFailureSchedule: 7 });
    expect(rowOf(failing, '`scenarios/explore-two-servers.yaml`')).toContain('| 3 not as expected (the first at schedule 7, 1 unknown) |');
    expect(rowOf(failing, EXPLORE_TARGET_ROW)).toBe(`| ${EXPLORE_TARGET_ROW} | 5.46 s, 3 not as expected (the first at schedule 7, 1 unknown) | every schedule run and as expected, <= 600 s | **missed** |`);
    const budget = withExplore({ ...explored, complete: false, placementsRun: 3, schedules: 17, bounds: { ...explored.bounds, budgetS: 5 } });
    expect(rowOf(budget, '`scenarios/explore-two-servers.yaml`')).toContain('| 3 of 16 | 17 |');
    expect(rowOf(budget, EXPLORE_TARGET_ROW)).toContain('| 5.46 s, budget reached, all 17 run as expected | every schedule run and as expected, <= 600 s | **missed** |');
    const errors = withExplore({ ...explored, errors: 2 });
    expect(rowOf(errors, EXPLORE_TARGET_ROW)).toContain('| 5.46 s, 2 stopped with an error |');
    expect(rowOf(errors, EXPLORE_TARGET_ROW)).toContain('**missed**');
    const slow = withExplore({ ...explored, elapsedS: EXPLORE_WALL_SECONDS_MAX + 0.5 });
    expect(rowOf(slow, EXPLORE_TARGET_ROW)).toBe(`| ${EXPLORE_TARGET_ROW} | 600.5 s, every schedule as expected | every schedule run and as expected, <= 600 s | **missed** |`);
  });

  it('measures the explore target only on the small world with both its faults free to land', () => {
    const oneFault = withExplore({ ...explored, bounds: { ...explored.bounds, faults: 1 } });
    expect(rowOf(oneFault, '`scenarios/explore-two-servers.yaml`')).toContain('depth 4; faults 1;');
    expect(rowOf(oneFault, '`explore-two-servers.yaml`: every schedule within the bounds')).toContain('| not measured in this run | every schedule run and as expected, <= 600 s | - |');
    const other = withExplore({ ...explored, scenario: 'scenarios/flag-trap.yaml' });
    expect(other).toContain('| `scenarios/flag-trap.yaml` |');
    expect(other).toContain('| `explore-two-servers.yaml`: every schedule within the bounds | not measured in this run |');
  });

  it('says explore was not measured, with the command that measures it, when no explore summary was read', () => {
    const markdown = renderResultsMarkdown(noInputs);
    expect(markdown).toContain('Not measured in this run: `npx mailsim explore scenarios/explore-two-servers.yaml --depth 10 --faults 2 --json > DIR/explore-two-servers-depth10.json` measures it.');
    expect(rowOf(markdown, '`explore-two-servers.yaml`: every schedule within the bounds')).toContain('not measured in this run');
  });

  it('scores a Stryker report per folder and per merge file, the checkers and the merge against their targets', () => {
    const mutants = (statuses: string[]) => ({ mutants: statuses.map((status) => ({ status })) });
    const report = { schemaVersion: '1.0', files: { 'sim/checkers/a.ts': mutants(['Killed', 'Killed', 'Timeout', 'Survived', 'CompileError']), 'core/merge/b.ts': mutants(['Killed', 'NoCoverage']) } };
    expect(isMutationReport(report)).toBe(true);
    expect(isMutationReport({ bench: 'store' })).toBe(false);
    const scores = mutationScores(report);
    expect(scores.map((score) => [score.scope, score.mutants, score.scorePercent])).toEqual([['all', 6, 66.67], ['core/merge', 2, 50], ['core/merge/b.ts', 2, 50], ['sim/checkers', 4, 75]]);
    const markdown = renderResultsMarkdown({ ...noInputs, mutation: { file: 'mutation.json', command: 'npm run mutation', scores } });
    expect(rowOf(markdown, 'sim/checkers')).toBe('| sim/checkers | 4 | 3 | 75% | >= 80% | **missed** |');
    // The merge against its target, and each of its files against theirs.
    expect(rowOf(markdown, 'core/merge')).toBe('| core/merge | 2 | 1 | 50% | >= 85% | **missed** |');
    expect(rowOf(markdown, 'core/merge/b.ts')).toBe('| core/merge/b.ts | 2 | 1 | 50% | >= 75% | **missed** |');
  });
});

describe('targets and numbers', () => {
  it('a strict bound excludes itself, an inclusive one does not', () => {
    expect(meetsTarget(600, { bound: 600, atMost: true, strict: true })).toBe(false);
    expect(meetsTarget(600, { bound: 600, atMost: true })).toBe(true);
    expect(meetsTarget(1.69, { bound: 1.7, atMost: false })).toBe(false);
  });

  it('formats numbers with separators, units and yes/no', () => {
    expect(formatValue(12_345.678, 'B')).toBe('12,345.68 B');
    expect(formatValue(2.5, 'x')).toBe('2.5x');
    expect(formatValue(true, '')).toBe('yes');
    expect(formatValue(null, 'ms')).toBe('-');
  });
});
