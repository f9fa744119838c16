/**
 * Reading a failure file (written by run and sweep through scenarios/failure.ts): the file
 * is read here, checked and parsed by scenarios/failure.ts, with one-line errors.
 */
import { readFile } from 'node:fs/promises';
import { parseFailureFile } from '../../scenarios/failure.ts';
import type { LoadedScenario } from '../../scenarios/loader.ts';
import type { FailureFile } from '../../scenarios/run.ts';
import { CliInputError } from '../sweepFiles.ts';

export const FAILURE_FILE_BYTES_MAX = 64 * 1024 * 1024;

/** True when the text is JSON that looks like a failure file rather than a scenario. */
export function looksLikeFailureFile(text: string): boolean {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && 'scenarioText' in value && 'mailsimVersion' in value;
  } catch {
    return false;
  }
}

export async function readFailureFile(path: string): Promise<{ failure: FailureFile; loaded: LoadedScenario }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliInputError(`${path}: ${code === 'ENOENT' ? 'no such failure file' : `cannot read the failure file (${code ?? String(error)})`}`);
  }
  if (bytes.length > FAILURE_FILE_BYTES_MAX) throw new CliInputError(`${path}: larger than FAILURE_FILE_BYTES_MAX (${FAILURE_FILE_BYTES_MAX} bytes)`);
  return parseFailureFile(bytes.toString('utf8'), path);
}
