/**
 * Reading a failure file (written by run and sweep through scenarios/failure.ts) with a
 * clear one-line error when it is not one.
 */
import { readFile } from 'node:fs/promises';
import type { FailureFile } from '../../scenarios/run.ts';
import { CliInputError } from '../sweepFiles.ts';

export const FAILURE_FILE_BYTES_MAX = 64 * 1024 * 1024;

/** True when the parsed JSON looks like a failure file rather than a scenario. */
export function isFailureFile(value: unknown): value is FailureFile {
  return typeof value === 'object' && value !== null && 'scenarioText' in value && 'mailsimVersion' in value;
}

function problem(value: Record<string, unknown>): string | null {
  if (typeof value.scenarioText !== 'string') return 'scenarioText is not text';
  if (typeof value.scenarioFile !== 'string') return 'scenarioFile is not text';
  if (!Number.isSafeInteger(value.seed)) return 'seed is not an integer';
  if (!Array.isArray(value.faults)) return 'faults is not a list';
  if (typeof value.historyHash !== 'string') return 'historyHash is not text';
  if (!Array.isArray(value.failedChecks)) return 'failedChecks is not a list';
  return null;
}

/** Parses JSON text; null when it is not JSON (a YAML scenario, say). */
export function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export async function readFailureFile(path: string): Promise<FailureFile> {
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > FAILURE_FILE_BYTES_MAX) throw new CliInputError(`${path}: larger than FAILURE_FILE_BYTES_MAX (${FAILURE_FILE_BYTES_MAX} bytes)`);
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof CliInputError) throw error;
    throw new CliInputError(`${path}: cannot read the failure file (${(error as { code?: string }).code ?? String(error)})`);
  }
  const value = parseJsonOrNull(text);
  if (!isFailureFile(value)) throw new CliInputError(`${path}: not a mailsim failure file (JSON with mailsimVersion, scenarioText, seed, faults)`);
  const why = problem(value as unknown as Record<string, unknown>);
  if (why !== null) throw new CliInputError(`${path}: broken failure file: ${why}`);
  return value;
}
