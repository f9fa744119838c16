/**
 * Failure files: a run whose verdict was not the expected one, saved so that `mailsim
 * replay` can rerun it with nothing else: the scenario text as run (overrides applied),
 * the seed, and every fault as it ran (scheduled plus nemesis-drawn).
 */
import { stringify } from 'yaml';
import { z } from 'zod';
import { failedCheckNames } from '../sim/checkers/failedChecks.ts';
import type { ScheduledFault } from '../sim/config.ts';
import type { FaultValue } from '../sim/historyTypes.ts';
import type { RunResult } from '../sim/resultTypes.ts';
import type { WorldOutcome } from '../sim/world.ts';
import { ScenarioError, parseScenarioText, type LoadedScenario } from './loader.ts';
import type { FailureFile } from './run.ts';
import type { Scenario } from './schema.ts';

/** The scenario as YAML; parseScenarioText of it gives back an equal scenario. */
export function scenarioText(scenario: Scenario): string {
  return stringify(scenario, { lineWidth: 0 });
}

export function failureFileFor(loaded: LoadedScenario, seed: number, result: RunResult, outcome: WorldOutcome): FailureFile {
  return {
    mailsimVersion: result.mailsimVersion,
    ...(result.code === undefined ? {} : { code: result.code }),
    scenarioFile: loaded.file,
    scenarioText: scenarioText(loaded.scenario),
    seed,
    overrides: [...loaded.overrides],
    faults: outcome.faultsAsRun.map((f) => ({ atMs: f.atMs, fault: f.fault })),
    verdict: result.verdict,
    expect: result.expect,
    historyHash: result.historyHash,
    failedChecks: failedCheckNames(result.checks),
  };
}

const node = z.string().min(1);
const groups = z.array(z.array(node));
const faultValueSchema = z.union([
  z.strictObject({ kind: z.literal('partition'), groups }),
  z.strictObject({ kind: z.literal('one-way'), from: node, to: node }),
  z.strictObject({ kind: z.literal('bridge'), groups, bridge: node }),
  z.strictObject({ kind: z.literal('heal') }),
  z.strictObject({ kind: z.literal('crash'), node, mode: z.enum(['process', 'power']) }),
  z.strictObject({ kind: z.literal('restart'), node }),
  z.strictObject({ kind: z.literal('skew'), node, offsetMs: z.int() }),
  z.strictObject({ kind: z.literal('jump'), node, deltaMs: z.int() }),
  z.strictObject({ kind: z.literal('pause'), node, durationMs: z.int().min(1) }),
  z.strictObject({ kind: z.literal('rot'), node }),
  z.strictObject({ kind: z.literal('misdirect'), node }),
  z.strictObject({ kind: z.literal('eio'), node, op: z.enum(['read', 'write']) }),
  z.strictObject({ kind: z.literal('disk-full'), node }),
  z.strictObject({ kind: z.literal('disk-free'), node }),
]) satisfies z.ZodType<FaultValue>;

const failureFileSchema = z.strictObject({
  mailsimVersion: z.string(),
  code: z.strictObject({ commit: z.string().nullable(), sourceSha256: z.string() }).optional(),
  scenarioFile: z.string(),
  scenarioText: z.string(),
  seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  overrides: z.array(z.string()),
  faults: z.array(z.strictObject({ atMs: z.int().min(0), fault: faultValueSchema })) satisfies z.ZodType<ScheduledFault[]>,
  verdict: z.enum(['valid', 'invalid', 'unknown']),
  expect: z.enum(['valid', 'invalid']),
  historyHash: z.string(),
  failedChecks: z.array(z.string()),
});

/**
 * Reads a failure file's JSON text and checks it, embedded scenario included; returns it
 * with the scenario ready to run. Problems throw ScenarioError naming `file`.
 */
export function parseFailureFile(text: string, file: string): { failure: FailureFile; loaded: LoadedScenario } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError([{ file, path: '', reason: `not a failure file (JSON): ${(error as Error).message}` }]);
  }
  const parsed = failureFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ScenarioError(
      parsed.error.issues.map((issue) => ({ file, path: issue.path.map(String).join('.'), reason: `failure file: ${issue.message}` })),
    );
  }
  const failure = parsed.data as FailureFile;
  // The text already has the overrides applied; they are kept in the file only as a record.
  const loaded = parseScenarioText(failure.scenarioText, failure.scenarioFile);
  return { failure, loaded: { ...loaded, overrides: failure.overrides } };
}
