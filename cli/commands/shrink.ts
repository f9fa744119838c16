/**
 * mailsim shrink FAILURE.json|SCENARIO [--seed N] [--set PATH=VALUE]... [--out FILE] [--json]
 * Minimises a failing run and writes a pinned scenario (YAML, nemesis: false, the fixed
 * faults) that fails the same checker on its own: `mailsim run FILE` reproduces it.
 * A scenario file is run first (useful for the known-bad controls, whose invalid verdict
 * is expected and so leaves no failure file).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MailsimError } from '../../core/errors.ts';
import { loadScenario, parseScenarioText, type LoadedScenario } from '../../scenarios/loader.ts';
import { defaultSeed, resolveScenario } from '../../scenarios/resolve.ts';
import { scenarioText } from '../../scenarios/failure.ts';
import { runScenario } from '../../scenarios/run.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import type { ScheduledFault } from '../../sim/config.ts';
import type { RunResult } from '../../sim/resultTypes.ts';
import { shrinkScenario, ShrinkError, type Probe, type ShrinkOutcome } from '../shrink.ts';
import { pinnedScenario } from '../shrinkScenario.ts';
import { looksLikeFailureFile, readFailureFile } from './failureInput.ts';

export interface ShrinkCommandOptions {
  readonly seed?: number;
  readonly set: readonly string[];
  readonly out: string;
  readonly json?: boolean;
}

interface ShrinkStart {
  readonly loaded: LoadedScenario;
  readonly seed: number;
  readonly faults: readonly ScheduledFault[];
  /** The checkers that failed; shrink keeps at least one of them failing. */
  readonly targets: readonly string[];
}

function failedChecks(result: RunResult): string[] {
  return Object.entries(result.checks)
    .filter(([, check]) => check.verdict === 'invalid')
    .map(([name]) => name);
}

async function startFrom(file: string, options: ShrinkCommandOptions): Promise<ShrinkStart> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text !== null && looksLikeFailureFile(text)) {
    const { failure, loaded } = await readFailureFile(file);
    if (failure.failedChecks.length === 0) throw new ShrinkError(`${file}: no checker failed (verdict ${failure.verdict}, expected ${failure.expect}), so there is nothing to keep failing`);
    // Replay first: when the code has changed since, the failure may be gone.
    const { result } = await runScenario(loaded, failure.seed, { faults: failure.faults });
    const targets = failedChecks(result).filter((name) => failure.failedChecks.includes(name));
    if (targets.length === 0) throw new ShrinkError(`${file}: the failure no longer reproduces (verdict now ${result.verdict}, no recorded checker fails)`);
    return { loaded, seed: failure.seed, faults: failure.faults, targets };
  }
  const loaded = await loadScenario(file, options.set);
  const seed = options.seed ?? defaultSeed(loaded);
  const { result, outcome } = await runScenario(loaded, seed);
  return { loaded, seed, faults: outcome.faultsAsRun, targets: failedChecks(result) };
}

/**
 * Runs exactly the text that would be written. A run that stops with a typed error (a
 * limit) counts as "does not fail"; a candidate that is not a valid scenario is a bug here.
 */
function probeFor(start: ShrinkStart, outFile: string): Probe {
  return async (scenario: Scenario) => {
    try {
      const loaded = parseScenarioText(scenarioText(scenario), outFile);
      const { result } = await runScenario(loaded, start.seed);
      return { failing: failedChecks(result).some((name) => start.targets.includes(name)), clientOpCount: result.metrics.clientOpCount };
    } catch (error) {
      if (error instanceof MailsimError && error.code !== 'E_SCENARIO') return { failing: false, clientOpCount: 0 };
      throw error;
    }
  };
}

function describeShrink(outcome: ShrinkOutcome, start: ShrinkStart, out: string): string {
  const { before, after } = outcome;
  return [
    `shrink: ${start.loaded.file} seed ${start.seed}, keeping ${start.targets.join(' or ')} failing`,
    `  faults:            ${before.faultCount} -> ${after.faultCount}`,
    `  scripted ops:      ${before.scriptOpCount} -> ${after.scriptOpCount}`,
    `  client operations: ${before.clientOpCount} -> ${after.clientOpCount}`,
    `  runs tested:       ${outcome.probes}${outcome.exhausted ? ' (probe limit reached: smaller may exist)' : ''}`,
    `wrote ${out}; reproduce: mailsim run ${out}`,
  ].join('\n');
}

export async function shrinkCommand(file: string, options: ShrinkCommandOptions): Promise<number> {
  const start = await startFrom(file, options);
  if (start.targets.length === 0) throw new ShrinkError(`${file}: no checker failed in this run, so there is nothing to keep failing`);
  const config = { ...resolveScenario(start.loaded, start.seed), faults: start.faults, nemesis: null };
  const pinned = pinnedScenario(config, start.loaded.scenario);
  const outcome = await shrinkScenario(pinned, probeFor(start, options.out));
  const header = `# Shrunk by mailsim shrink from ${file} (seed ${start.seed}); fails ${start.targets.join(' or ')} on its own.\n# Reproduce: mailsim run ${options.out}\n`;
  await mkdir(dirname(options.out), { recursive: true });
  await writeFile(options.out, header + scenarioText(outcome.scenario));
  if (options.json === true) {
    process.stdout.write(`${JSON.stringify({ source: file, out: options.out, seed: start.seed, targets: start.targets, ...outcome })}\n`);
  } else {
    process.stdout.write(`${describeShrink(outcome, start, options.out)}\n`);
  }
  return 0;
}
