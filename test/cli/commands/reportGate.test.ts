// Proves `mailsim report` and `mailsim gate` read shard folders (skipping non-results), write the reports, and exit 0/1/2 as documented.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { gateCommand } from '../../../cli/commands/gate.ts';
import { readResults, reportCommand } from '../../../cli/commands/report.ts';
import type { RunResult } from '../../../sim/resultTypes.ts';
import { syntheticRun, syntheticSweep } from '../../reports/fixtures.ts';

let dir: string;
let output: string[];

function jsonl(results: readonly unknown[]): string {
  return results.map((result) => JSON.stringify(result)).join('\n') + '\n';
}

/** Two shard folders as a sweep writes them, with the files that are not results. */
function writeShards(results: readonly RunResult[]): string {
  const root = join(dir, 'out');
  results.forEach((result, index) => {
    const shard = join(root, `shard-${index % 2}`);
    mkdirSync(join(shard, 'failures'), { recursive: true });
    writeFileSync(join(shard, 'results.jsonl'), JSON.stringify(result) + '\n', { flag: 'a' });
  });
  writeFileSync(join(root, 'shard-0', 'errors.jsonl'), jsonl([{ scenario: 'bad.yaml', seed: 3, error: 'E_SCENARIO' }]));
  writeFileSync(join(root, 'shard-0', 'sweep-summary.json'), JSON.stringify({ planned: 4, exitCode: 1 }));
  writeFileSync(join(root, 'shard-1', 'failures', 'x-seed-7.json'), JSON.stringify({ scenario: {}, seed: 7, faults: [] }));
  return root;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mailsim-cli-report-'));
  output = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { output.push(String(chunk)); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { output.push(String(chunk)); return true; });
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('mailsim report', () => {
  it('merges shard folders, skips values that are not results, and writes HTML, Markdown and JSON', async () => {
    const results = syntheticSweep({ seeds: 4, unexpectedFailure: false });
    const root = writeShards(results);
    const read = await readResults([root]);
    expect(read.results).toHaveLength(results.length);
    expect(read.skippedCount).toBe(3);
    const files = { html: join(dir, 'r', 'index.html'), md: join(dir, 'r', 'summary.md'), json: join(dir, 'r', 'summary.json') };
    expect(await reportCommand([root], files)).toBe(0);
    expect(readFileSync(files.html, 'utf8')).toContain(`data-runs="${results.length}"`);
    expect(readFileSync(files.md, 'utf8')).toMatch(/^### mailsim: ✅/);
    expect(JSON.parse(readFileSync(files.json, 'utf8')).runCount).toBe(results.length);
  });

  it('prints the Markdown when no output file is named', async () => {
    const file = join(dir, 'one.json');
    writeFileSync(file, JSON.stringify(syntheticRun({ scenarioName: 's', strategy: 'renumber', seed: 1 })));
    expect(await reportCommand([file], {})).toBe(0);
    expect(output.join('')).toContain('### mailsim: ✅ 1 runs');
  });

  it('exits 2 for a named file holding something else, a bad line, or nothing', async () => {
    const bad = join(dir, 'errors.jsonl');
    writeFileSync(bad, jsonl([{ scenario: 'bad.yaml', error: 'x' }]));
    expect(await reportCommand([bad], {})).toBe(2);
    expect(output.join('')).toContain('errors.jsonl:1');
    const truncated = join(dir, 'results.jsonl');
    writeFileSync(truncated, JSON.stringify(syntheticRun({ scenarioName: 's', strategy: 'renumber', seed: 1 })) + '\n{"scen');
    expect(await reportCommand([truncated], {})).toBe(2);
    expect(await reportCommand([join(dir, 'missing')], {})).toBe(2);
    mkdirSync(join(dir, 'empty'));
    expect(await reportCommand([join(dir, 'empty')], {})).toBe(2);
  });
});

describe('mailsim gate', () => {
  const seeds = [1, 2, 3, 4, 5, 6];
  const renumber = () => seeds.map((seed) => syntheticRun({ scenarioName: 'partition-heal', strategy: 'renumber', seed }));
  const keepUids = () => seeds.map((seed) => syntheticRun({ scenarioName: 'partition-heal', strategy: 'keep-uids', seed,
    overrides: ['strategy=keep-uids'], violations: { 'uid-stable': 2 } }));

  it('--update writes a baseline; the same results then pass (0) and keep-uids results fail (1)', async () => {
    const baseline = join(dir, 'reports', 'baselines', 'default.json');
    const renumberFile = join(dir, 'renumber.jsonl');
    const keepFile = join(dir, 'keep.jsonl');
    writeFileSync(renumberFile, jsonl(renumber()));
    writeFileSync(keepFile, jsonl(keepUids()));
    expect(await gateCommand([renumberFile], { baseline, update: true })).toBe(0);
    expect(existsSync(baseline)).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(baseline, 'utf8')).entries)).toHaveLength(seeds.length);
    expect(await gateCommand([renumberFile], { baseline })).toBe(0);
    expect(output.join('')).toContain('gate PASSED');
    output.length = 0;
    expect(await gateCommand([keepFile], { baseline })).toBe(1);
    expect(output.join('')).toMatch(/FAIL .*partition-heal keep-uids seed=1 \[strategy=keep-uids\].*new-violation/);
  });

  it('applies configurable thresholds', async () => {
    const baseline = join(dir, 'b.json');
    const base = join(dir, 'base.jsonl');
    const heavier = join(dir, 'heavier.jsonl');
    writeFileSync(base, jsonl(renumber()));
    writeFileSync(heavier, jsonl(seeds.map((seed) => syntheticRun({ scenarioName: 'partition-heal', strategy: 'renumber', seed, bytesFactor: 1.2 }))));
    await gateCommand([base], { baseline, update: true });
    expect(await gateCommand([heavier], { baseline })).toBe(1);
    expect(await gateCommand([heavier], { baseline, bytesThreshold: 0.25 })).toBe(0);
    expect(await gateCommand([heavier], { baseline, bytesThreshold: 25 })).toBe(2); // a percent given as a ratio
  });

  it('exits 2 without a readable baseline', async () => {
    const file = join(dir, 'r.jsonl');
    writeFileSync(file, jsonl(renumber()));
    expect(await gateCommand([file], { baseline: join(dir, 'none.json') })).toBe(2);
    expect(output.join('')).toContain('--update');
    writeFileSync(join(dir, 'broken.json'), '{"version": 1');
    expect(await gateCommand([file], { baseline: join(dir, 'broken.json') })).toBe(2);
  });
});
