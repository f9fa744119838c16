/**
 * mailsim bench start: the default suite exactly as `npm start` runs it (the library's quick
 * tier, every worker the machine has), in a child process, timed on the wall clock: its exit
 * code must be 0 and its time at most START_WALL_SECONDS_MAX. Also the front door's static
 * figures: the README's length and the runtime dependencies in package.json. `--quick` is the
 * same run (the suite is the measurement).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { packageRoot } from '../packageRoot.ts';
import { README_LINES_MAX, RUNTIME_DEPENDENCIES_MAX, START_EXIT_CODE, START_WALL_SECONDS_MAX } from './targets.ts';

const SUITE_TIMEOUT_MS = 30 * 60 * 1000;

export async function runStartBench(options: { json: boolean }): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'mailsim-bench-start-'));
  const loadAtStart = loadavg()[0];
  const startedMs = performance.now();
  const child = spawnSync(process.execPath, [join(packageRoot, 'cli', 'bin.mjs'), 'suite', '--out', join(dir, 'out'), '--reports', join(dir, 'reports')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: SUITE_TIMEOUT_MS,
  });
  const wallSeconds = Math.round((performance.now() - startedMs) / 100) / 10;
  const summary = /(\d+) of (\d+) runs finished: (\d+) as expected/.exec(child.stderr ?? '');
  rmSync(dir, { recursive: true, force: true });
  const packageJson = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const figures = {
    suite: {
      wallSeconds,
      exitCode: child.status,
      runs: summary === null ? null : Number(summary[1]),
      asExpected: summary === null ? null : Number(summary[3]),
      cores: cpus().length,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg()[0],
    },
    readmeLines: readFileSync(join(packageRoot, 'README.md'), 'utf8').split('\n').length - 1,
    runtimeDependencies: Object.keys(packageJson.dependencies ?? {}).length,
  };
  if (!options.json) {
    process.stdout.write(
      `default suite (npm start): ${wallSeconds} s wall (target <= ${START_WALL_SECONDS_MAX} s), exit ${String(child.status)} (target ${START_EXIT_CODE}), `
        + `${figures.suite.asExpected ?? '?'} of ${figures.suite.runs ?? '?'} runs as expected, ${figures.suite.cores} cores, load ${loadAtStart?.toFixed(2)} -> ${figures.suite.loadAverageAtEnd?.toFixed(2)}\n`
        + `README: ${figures.readmeLines} lines (target <= ${README_LINES_MAX}); runtime dependencies: ${figures.runtimeDependencies} (target <= ${RUNTIME_DEPENDENCIES_MAX})\n`,
    );
  }
  return figures;
}
