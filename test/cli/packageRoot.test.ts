// Proves the CLI finds its package.json and scenario library from its own folder, whatever the working directory.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot, scenarioLibraryDir, scenarioLibraryPath } from '../../cli/packageRoot.ts';
import { REPO_ROOT } from '../e2e/mailsim.ts';

describe('packageRoot', () => {
  it('is the folder holding package.json and the scenario library', () => {
    expect(resolve(packageRoot)).toBe(resolve(REPO_ROOT));
    expect(existsSync(join(packageRoot, 'package.json'))).toBe(true);
    expect(existsSync(join(scenarioLibraryDir, 'flag-trap.yaml'))).toBe(true);
  });

  it('names the library "scenarios" from the package root, as a relative --dir would', () => {
    expect(scenarioLibraryPath(REPO_ROOT)).toBe('scenarios');
  });

  it('names the library by a path that leads there from any other folder', () => {
    const cwd = tmpdir();
    expect(resolve(cwd, scenarioLibraryPath(cwd))).toBe(resolve(scenarioLibraryDir));
    const inside = join(scenarioLibraryDir, 'controls');
    expect(scenarioLibraryPath(inside)).toBe('..');
    expect(scenarioLibraryPath(scenarioLibraryDir)).toBe('.');
  });
});
