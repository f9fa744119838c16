/**
 * Runs one scenario with one seed: resolve, run the world, and wrap the outcome as the
 * RunResult that reports, sweeps and the gate read. With `faults` given (replay, shrink)
 * the nemesis is off and exactly those faults run, which reproduces a recorded run.
 */
import packageJson from '../package.json' with { type: 'json' };
import type { ScheduledFault } from '../sim/config.ts';
import type { ChoiceTrail } from '../sim/explore/trail.ts';
import type { CodeIdentity, RunResult, Verdict } from '../sim/resultTypes.ts';
import { runWorld, type RunOptions, type RunOutcome } from '../backends/world.ts';
import { strategyLabel } from '../sim/replicaKinds.ts';
import { expectationFor } from '../sim/expectation.ts';
import type { LoadedScenario } from './loader.ts';
import { resolveScenario } from './resolve.ts';

export const MAILSIM_VERSION: string = packageJson.version;

/** A failed run, self-contained: `mailsim replay` needs nothing else (scenarios/failure.ts). */
export interface FailureFile {
  mailsimVersion: string;
  /** The code that ran it (absent from files written before it was recorded). */
  code?: CodeIdentity;
  scenarioFile: string;
  /** The scenario as run, after overrides, as YAML. */
  scenarioText: string;
  seed: number;
  overrides: string[];
  /** Every fault as it ran (scheduled plus nemesis-drawn). */
  faults: ScheduledFault[];
  verdict: Verdict;
  expect: 'valid' | 'invalid';
  historyHash: string;
  failedChecks: string[];
}

export interface RunScenarioOptions {
  /** Run exactly these faults with the nemesis off (replay, shrink). */
  readonly faults?: readonly ScheduledFault[];
  /** CPU time source for the cpuMsPerOp metric; only the CLI may pass one (it reads wall time). */
  readonly cpuMs?: () => number;
  /** Keep the packs every server stores and a real backend's Maildirs (export writes them; the caller disposes the outcome). */
  readonly recordTransfers?: boolean;
  /** Progress in virtual figures while the world runs (the CLI's bar); it only reads, the history is unchanged. */
  readonly onProgress?: RunOptions['onProgress'];
  /** Decides the run's branching draws (`mailsim explore`), over any `choices:` the scenario holds. */
  readonly choices?: ChoiceTrail;
}

/** Quotes a shell word only when it needs it. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The one command that reruns this scenario with this seed and these overrides. */
export function replayCommandFor(loaded: LoadedScenario, seed: number): string {
  const sets = loaded.overrides.map((o) => ` --set ${shellWord(o)}`).join('');
  return `mailsim run ${shellWord(loaded.file)} --seed ${seed}${sets}`;
}

export function scenarioName(loaded: LoadedScenario): string {
  return loaded.scenario.name ?? (loaded.file.split('/').pop() ?? loaded.file).replace(/\.(ya?ml|json)$/, '');
}

export async function runScenario(
  loaded: LoadedScenario,
  seed: number,
  options: RunScenarioOptions = {},
): Promise<{ result: RunResult; outcome: RunOutcome }> {
  const resolved = resolveScenario(loaded, seed);
  const config = options.faults === undefined ? resolved : { ...resolved, nemesis: null, faults: [...options.faults] };
  const outcome = await runWorld(config, { ...(options.cpuMs === undefined ? {} : { cpuMs: options.cpuMs }), ...(options.recordTransfers === true ? { recordTransfers: true, keepStores: true } : {}), ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }), ...(options.choices === undefined ? {} : { choices: options.choices }) });
  const result: RunResult = {
    mailsimVersion: MAILSIM_VERSION,
    scenario: loaded.file,
    scenarioName: scenarioName(loaded),
    strategy: strategyLabel(config.replica, config.strategy),
    seed,
    verdict: outcome.verdict,
    ...expectationFor(loaded.scenario.expect, loaded.scenario.finding, config.replica ?? 'git', seed),
    overrides: [...loaded.overrides],
    checks: outcome.checks,
    metrics: outcome.metrics,
    historyHash: outcome.historyHash,
    replayCommand: replayCommandFor(loaded, seed),
    probes: outcome.probes,
    timeline: outcome.timeline,
  };
  return { result, outcome };
}
