// Proves every test file is in exactly one tier (fast or slow), that every slow entry still names a
// file, and that the fast tier refuses to start a child process.
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { config } from '../vitest.config.ts';
import { ChildProcessInFastTierError, childProcessAttempts } from './fastTier.setup.ts';
import { REPO_ROOT } from './e2e/mailsim.ts';

interface Tier {
  readonly name: string;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

/** The globs the tiers use: `**\/` any folders, `*` any name part. */
function globToRegExp(glob: string): RegExp {
  const pattern = glob.split('**/').map((part) => part.split('*').map((text) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')).join('(?:.*/)?');
  return new RegExp(`^${pattern}$`);
}

const matchesAny = (file: string, globs: readonly string[]): boolean => globs.some((glob) => globToRegExp(glob).test(file));

/** What is wrong with the tiers: a file in no tier or in two, a glob that names no file. */
function tierProblems(files: readonly string[], tiers: readonly Tier[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const homes = tiers.filter((tier) => matchesAny(file, tier.include) && !matchesAny(file, tier.exclude)).map((tier) => tier.name);
    if (homes.length !== 1) problems.push(`${file} is in ${homes.length} tiers (${homes.join(', ')})`);
  }
  for (const glob of tiers.flatMap((tier) => [...tier.include, ...tier.exclude])) {
    if (!files.some((file) => globToRegExp(glob).test(file))) problems.push(`${glob} names no test file`);
  }
  return problems;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(REPO_ROOT, path)] : [];
  });
}

function configuredTiers(): Tier[] {
  const projects = (config.test?.projects ?? []) as { test: { name: string; include?: string[]; exclude?: string[] } }[];
  return projects.map(({ test }) => ({ name: test.name, include: test.include ?? [], exclude: test.exclude ?? [] }));
}

describe('test tiers', () => {
  const files = testFiles(join(REPO_ROOT, 'test'));

  it('put every test file in exactly one of fast and slow', () => {
    const tiers = configuredTiers();
    expect(tiers.map((tier) => tier.name)).toEqual(['fast', 'slow']);
    expect(files.length).toBeGreaterThan(50);
    expect(tierProblems(files, tiers)).toEqual([]);
  });

  it('catch a file excluded from fast but not included in slow, and a stale slow entry', () => {
    const tiers = [
      { name: 'fast', include: ['test/**/*.test.ts'], exclude: ['test/sim/determinism.test.ts', 'test/gone.test.ts'] },
      { name: 'slow', include: ['test/gone.test.ts'], exclude: [] },
    ];
    expect(tierProblems(files, tiers)).toEqual([
      'test/sim/determinism.test.ts is in 0 tiers ()',
      'test/gone.test.ts names no test file',
      'test/gone.test.ts names no test file',
    ]);
  });

  it('match globs across folders and within a name only', () => {
    expect(globToRegExp('test/**/*.git.test.ts').test('test/core/pack/packfile.git.test.ts')).toBe(true);
    expect(globToRegExp('test/**/*.git.test.ts').test('test/objects.git.test.ts')).toBe(true);
    expect(globToRegExp('test/e2e/*.test.ts').test('test/e2e/deeper/x.test.ts')).toBe(false);
    expect(globToRegExp('test/core/export.test.ts').test('test/core/exportXtest.ts')).toBe(false);
  });
});

describe('the fast tier', () => {
  it('refuses to start a child process, by any of node:child_process\'s functions', () => {
    const before = childProcessAttempts.length;
    expect(() => execFileSync('git', ['--version'])).toThrow(ChildProcessInFastTierError);
    expect(() => spawn('git', ['--version'])).toThrow(/fast test tier starts no child process/);
    expect(childProcessAttempts.splice(before)).toHaveLength(2);
  });
});
