/**
 * Where mailsim's own files are: the repository, or node_modules/mailsim once installed.
 * The CLI finds its package.json and its scenario library from here, never from the
 * working directory, so `mailsim suite` works from any folder.
 */
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** The scenario library shipped with mailsim (scenarios/, controls included). */
export const scenarioLibraryDir = join(packageRoot, 'scenarios');

/**
 * The library as a path from the working directory: 'scenarios' in the repository root, so
 * results and reports name scenario files exactly as a relative `--dir scenarios` does.
 */
export function scenarioLibraryPath(cwd: string = process.cwd()): string {
  return relative(cwd, scenarioLibraryDir) || '.';
}
