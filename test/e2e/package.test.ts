// Proves mailsim works as an installed npm package: `npm pack`, install the tarball into an empty
// folder, then run, suite and report from another empty folder, the scenario library read from
// the installed package and every output written under the working directory.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, STACK_LINE, type CliRun } from './mailsim.ts';

const run = promisify(execFile);

/** The runtime dependencies an installed mailsim may pull in; the tools that build and test it are devDependencies. */
const RUNTIME_DEPENDENCIES_MAX = 10;
/** Packing and installing fetch from the npm cache or registry: minutes on a slow network. */
const INSTALL_TIMEOUT_MS = 300_000;
const TINY = join(REPO_ROOT, 'test/e2e/fixtures/tiny-valid.yaml');
const LIBRARY_CONTROL = 'scenarios/controls/keep-uids-both-deliver.yaml';

/** The environment without npm's per-script variables, so the nested npm sees only the temp folder. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_') && key !== 'MAILSIM_DEBUG' && key !== 'MAILSIM_SHARD') env[key] = value;
  }
  return env;
}

interface PackedFile {
  readonly path: string;
}

interface Installed {
  /** The temp folder holding the tarball and the install, removed after the tests. */
  readonly root: string;
  readonly tarballFiles: readonly string[];
  /** node_modules/mailsim in the install folder. */
  readonly packageDir: string;
  readonly bin: string;
}

async function packAndInstall(): Promise<Installed> {
  const root = await mkdtemp(join(tmpdir(), 'mailsim-package-'));
  const env = cleanEnv();
  const packed = await run('npm', ['pack', '--json', '--pack-destination', root], { cwd: REPO_ROOT, env, maxBuffer: 64 * 1024 * 1024 });
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: PackedFile[] }[];
  if (info === undefined) throw new Error('assertion failed: npm pack --json printed no package');
  const installDir = join(root, 'install');
  await mkdir(installDir);
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(root, info.filename)], { cwd: installDir, env });
  return {
    root,
    tarballFiles: info.files.map((file) => file.path),
    packageDir: join(installDir, 'node_modules', 'mailsim'),
    bin: join(installDir, 'node_modules', '.bin', 'mailsim'),
  };
}

/** Runs the installed `mailsim` in cwd, as a user whose PATH holds it would. */
function mailsimIn(bin: string, cwd: string, args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...args], { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const emptyDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'mailsim-cwd-'));

describe('mailsim as an installed package', () => {
  let installed: Installed;

  beforeAll(async () => {
    installed = await packAndInstall();
  }, INSTALL_TIMEOUT_MS);

  afterAll(async () => {
    if (installed !== undefined) await rm(installed.root, { recursive: true, force: true });
  });

  it('ships the CLI, its sources and the scenario library, and no tests or configs', () => {
    const files = installed.tarballFiles;
    expect(files).toContain('cli/bin.mjs');
    expect(files).toContain('cli/sweepWorker.mjs');
    expect(files).toContain('backends/dovecot/relay.mjs');
    expect(files).toContain('scenarios/schema.json');
    expect(files).toContain(LIBRARY_CONTROL);
    expect(files).toContain('README.md');
    expect(files.filter((file) => file.startsWith('test/'))).toEqual([]);
    expect(files.filter((file) => /^[^/]*\.(ts|js|cjs|json)$/.test(file) && file !== 'package.json')).toEqual([]);
  });

  it('has at most RUNTIME_DEPENDENCIES_MAX runtime dependencies', () => {
    const packageJson = JSON.parse(readFileSync(join(installed.packageDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const names = Object.keys(packageJson.dependencies ?? {});
    expect(names.length).toBeGreaterThan(0);
    expect(names.length).toBeLessThanOrEqual(RUNTIME_DEPENDENCIES_MAX);
  });

  it('runs a library scenario from an empty working directory', async () => {
    const cwd = await emptyDir();
    const result = await mailsimIn(installed.bin, cwd, ['run', join(installed.packageDir, LIBRARY_CONTROL), '--seed', '1', '--json']);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: 'invalid', expect: 'invalid' });
  });

  it('runs a suite and a report, writing out/ and reports/ under the working directory', async () => {
    const cwd = await emptyDir();
    const library = await emptyDir();
    await cp(TINY, join(library, 'tiny.yaml'));
    const suite = await mailsimIn(installed.bin, cwd, ['suite', '--dir', library, '--seeds', '1', '--jobs', '1']);
    expect(suite.stderr).not.toMatch(STACK_LINE);
    expect(suite.code).toBe(0);
    expect(readFileSync(join(cwd, 'out/suite/results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(readFileSync(join(cwd, 'reports/latest/index.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    expect(existsSync(join(cwd, 'reports/latest/summary.md'))).toBe(true);

    const report = await mailsimIn(installed.bin, cwd, ['report', 'out/suite', '--md', 'summary.md', '--json', 'summary.json']);
    expect(report.stderr).not.toMatch(STACK_LINE);
    expect(report.code).toBe(0);
    expect(readFileSync(join(cwd, 'summary.md'), 'utf8')).toContain('1 runs, 1 as expected');
    expect(JSON.parse(readFileSync(join(cwd, 'summary.json'), 'utf8'))).toBeTypeOf('object');
  });

  it('finds its own scenario library when --dir is not given', async () => {
    const cwd = await emptyDir();
    // One worker and a one-second budget: the library is found and planned, and at most one run starts.
    const suite = await mailsimIn(installed.bin, cwd, ['suite', '--seeds', '1', '--jobs', '1', '--time-budget', '1']);
    expect(suite.stderr).not.toMatch(STACK_LINE);
    expect(suite.stderr).toMatch(/suite \(default\): [1-9]\d* scenario file\(s\)/);
    expect(suite.code).toBe(0);
    expect(readdirSync(cwd).sort()).toEqual(['out', 'reports']);
  });

  it('names every benchmark in bench --help', async () => {
    const help = await mailsimIn(installed.bin, await emptyDir(), ['bench', '--help']);
    expect(help.code).toBe(0);
    for (const name of ['store', 'merge', 'cluster', 'sweep', 'wire', 'dsync']) expect(help.stdout).toContain(`"${name}"`);
  });
});
