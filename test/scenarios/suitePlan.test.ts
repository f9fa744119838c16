// Proves that a folder's suite plan picks files, real backends and overrides per tier, and that a bad plan is refused naming the field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../scenarios/loader.ts';
import { filePlan, loadSuitePlan, patternMatches } from '../../scenarios/suitePlan.ts';

describe('patternMatches', () => {
  it('matches * within one path segment only', () => {
    expect(patternMatches('wire/*.yaml', 'wire/flags-flat.yaml')).toBe(true);
    expect(patternMatches('*.yaml', 'wire/flags-flat.yaml')).toBe(false);
    expect(patternMatches('controls/dsync-*.yaml', 'controls/dsync-move-vs-flag.yaml')).toBe(true);
    expect(patternMatches('flag-trap.yaml', 'flag-trapXyaml')).toBe(false);
  });
});

describe('filePlan', () => {
  const tier = { seeds: 1, skip: ['wire/deliveries-*.yaml'], realReplicas: ['flag-trap.yaml'], set: { 'wire/*.yaml': ['workload.opsMax=200'] } };
  it('skips, limits real backends and adds overrides by pattern', () => {
    expect(filePlan(tier, 'wire/deliveries-flat.yaml').skipped).toBe(true);
    expect(filePlan(tier, 'wire/flags-flat.yaml')).toEqual({ skipped: false, realReplicas: false, overrides: ['workload.opsMax=200'] });
    expect(filePlan(tier, 'flag-trap.yaml')).toEqual({ skipped: false, realReplicas: true, overrides: [] });
  });
  it('runs every backend of every file when the tier names none', () => {
    expect(filePlan({ seeds: 2 }, 'anything.yaml')).toEqual({ skipped: false, realReplicas: true, overrides: [] });
  });
});

describe('loadSuitePlan', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'mailsim-plan-'));
  it('is null for a folder without a plan', async () => {
    expect(await loadSuitePlan(dir())).toBeNull();
  });
  it('refuses a plan with a bad field, naming the file and the field', async () => {
    const folder = dir();
    writeFileSync(join(folder, 'suite.yaml'), 'default: {seeds: 0}\nfull: {seeds: 2}\n');
    const error = await loadSuitePlan(folder).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message).toContain('suite.yaml: default.seeds');
  });
  it('reads the library plan: a quick default tier and a full tier', async () => {
    const plan = await loadSuitePlan('scenarios');
    expect(plan?.default.seeds).toBe(1);
    expect(plan?.full.skip ?? []).toEqual([]);
  });
});
