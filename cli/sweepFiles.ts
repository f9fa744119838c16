/**
 * The scenario files a sweep runs: a file as given, or every *.yaml, *.yml and *.json
 * under a folder (recursively, so scenarios/controls/ is included), schema.json excepted,
 * in sorted path order so every machine of a sharded sweep sees the same list.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MailsimError } from '../core/errors.ts';
import { SUITE_PLAN_FILE } from '../scenarios/suitePlan.ts';

export const SCENARIO_FILES_MAX = 10_000;
const SCENARIO_EXTENSION = /\.(ya?ml|json)$/i;
// The folder's suite plan is not a scenario.
const SKIPPED_NAMES = new Set(['schema.json', SUITE_PLAN_FILE]);

export class CliInputError extends MailsimError<'E_INPUT', { reason: string }> {
  constructor(reason: string) {
    super('E_INPUT', reason, { reason });
    this.name = 'CliInputError';
  }
}

async function walk(dir: string, found: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, found);
    else if (entry.isFile() && SCENARIO_EXTENSION.test(entry.name) && !SKIPPED_NAMES.has(entry.name)) found.push(path);
    if (found.length > SCENARIO_FILES_MAX) throw new CliInputError(`${dir}: more than SCENARIO_FILES_MAX (${SCENARIO_FILES_MAX}) scenario files`);
  }
}

export async function scenarioFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new CliInputError(`${path}: no such file or folder`);
  }
  if (!info.isDirectory()) return [path];
  const found: string[] = [];
  await walk(path, found);
  if (found.length === 0) throw new CliInputError(`${path}: no *.yaml, *.yml or *.json scenario files in this folder`);
  return found.sort();
}
