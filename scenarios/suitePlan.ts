/**
 * A scenario folder's suite plan (`suite.yaml` beside the scenarios): what `mailsim suite`
 * runs by default (behind `npm start`, which must stay quick and green) and what it runs with
 * `--full` (the evidence run the published figures come from). Without a plan file a folder
 * runs every scenario, every backend it compares, at the seeds asked for.
 *
 * Patterns are paths relative to the folder where `*` matches within one path segment; a file
 * matched by `skip` runs only in the full suite, `realReplicas` lists the files whose real
 * backends (compareReplicas, or a real `replica:`) run in the default suite, and `set` adds
 * overrides to matched files in that tier only (the report shows every run's overrides).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ScenarioError } from './loader.ts';

export const SUITE_PLAN_FILE = 'suite.yaml';
export const SUITE_PLAN_BYTES_MAX = 64 * 1024;
export const SUITE_SEEDS_MAX = 10_000;
const PATTERNS_MAX = 1_000;

const patterns = z.array(z.string().min(1).max(500)).max(PATTERNS_MAX);
const tierSchema = z.strictObject({
  seeds: z.int().min(1).max(SUITE_SEEDS_MAX).describe('seeds 1..N per scenario'),
  skip: patterns.optional().describe('files that run only in the full suite'),
  realReplicas: patterns.optional().describe('files whose real backends run in this tier (default: every file)'),
  set: z.record(z.string().min(1).max(500), z.array(z.string().min(1).max(1_000)).max(100)).optional().describe('extra --set overrides per file pattern'),
});
const planSchema = z.strictObject({ default: tierSchema, full: tierSchema });

export type SuiteTierName = 'default' | 'full';
export type SuiteTier = z.infer<typeof tierSchema>;
export type SuitePlan = z.infer<typeof planSchema>;

/** What one file runs with in a tier. */
export interface FilePlan {
  readonly skipped: boolean;
  readonly realReplicas: boolean;
  readonly overrides: readonly string[];
}

/** `*` within a segment, the rest literal; a pattern without `/` still names a path from the folder. */
export function patternMatches(pattern: string, relativePath: string): boolean {
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*');
  return new RegExp(`^${source}$`).test(relativePath);
}

export function filePlan(tier: SuiteTier, relativePath: string): FilePlan {
  const matches = (list: readonly string[] | undefined) => (list ?? []).some((pattern) => patternMatches(pattern, relativePath));
  const overrides = Object.entries(tier.set ?? {}).flatMap(([pattern, sets]) => (patternMatches(pattern, relativePath) ? sets : []));
  return { skipped: matches(tier.skip), realReplicas: tier.realReplicas === undefined || matches(tier.realReplicas), overrides };
}

/** The folder's plan, or null when it has none. A plan that does not parse is a ScenarioError naming the field. */
export async function loadSuitePlan(dir: string): Promise<SuitePlan | null> {
  const file = join(dir, SUITE_PLAN_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  if (text.length > SUITE_PLAN_BYTES_MAX) throw new ScenarioError([{ file, path: '', reason: `larger than SUITE_PLAN_BYTES_MAX (${SUITE_PLAN_BYTES_MAX} bytes)` }]);
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: false, maxAliasCount: 10 });
  } catch (error) {
    throw new ScenarioError([{ file, path: '', reason: `not YAML: ${(error as Error).message.split('\n')[0] ?? ''}` }]);
  }
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) throw new ScenarioError(parsed.error.issues.map((issue) => ({ file, path: issue.path.join('.'), reason: issue.message })));
  return parsed.data;
}
