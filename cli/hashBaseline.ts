/**
 * The pinned history hashes: one per reference-replica run of the default suite, committed so
 * that any change that alters a history is seen and named, and a change meant to alter them
 * rewrites the file in the same commit (its message says why). Pure: comparing and rendering.
 */
import { runKey } from '../reports/merge.ts';
import type { RunResult } from '../sim/resultTypes.ts';

export const HASH_BASELINE_FORMAT = 1;

export interface HashBaseline {
  readonly format: number;
  /** How to check and rewrite the file, for whoever opens it. */
  readonly about: string;
  /** Run key (scenario, strategy, seed, overrides) -> history hash, sorted by key. */
  readonly hashes: Readonly<Record<string, string>>;
}

export interface HashDifference {
  readonly key: string;
  readonly kind: 'changed' | 'missing' | 'new';
  readonly pinned: string | null;
  readonly now: string | null;
}

export function baselineOf(results: readonly RunResult[]): HashBaseline {
  const entries = results.map((result) => [runKey(result), result.historyHash] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    format: HASH_BASELINE_FORMAT,
    about: 'History hashes of every reference-replica run of the default suite. Check: mailsim hashes. Rewrite (when a change is meant to alter histories, and say why in its commit): mailsim hashes --write',
    hashes: Object.fromEntries(entries),
  };
}

export function compareBaselines(pinned: HashBaseline, now: HashBaseline): HashDifference[] {
  const differences: HashDifference[] = [];
  for (const [key, hash] of Object.entries(pinned.hashes)) {
    const current = now.hashes[key];
    if (current === undefined) differences.push({ key, kind: 'missing', pinned: hash, now: null });
    else if (current !== hash) differences.push({ key, kind: 'changed', pinned: hash, now: current });
  }
  for (const [key, hash] of Object.entries(now.hashes)) {
    if (pinned.hashes[key] === undefined) differences.push({ key, kind: 'new', pinned: null, now: hash });
  }
  return differences;
}

export function describeDifference(difference: HashDifference): string {
  if (difference.kind === 'missing') return `missing: ${difference.key} (pinned ${difference.pinned}) no longer runs`;
  if (difference.kind === 'new') return `new: ${difference.key} (${difference.now}) is not pinned`;
  return `changed: ${difference.key}: pinned ${difference.pinned}, now ${difference.now}`;
}
