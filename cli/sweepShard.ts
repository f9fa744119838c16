/**
 * Splitting a sweep's seeds across machines. The rule (documented in docs/cli.md):
 * seed number k, counted from 0 at --from, belongs to shard k mod N. Shards are
 * numbered 0..N-1, so N machines given 0/N .. (N-1)/N cover every seed exactly once.
 *
 * `--shard auto/N` takes i from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job sets it).
 * Without --shard, the spec is read from MAILSIM_SHARD when that is set (same syntax),
 * so a Job template can set the count once in its environment.
 */
import { MailsimError } from '../core/errors.ts';

export const SHARD_COUNT_MAX = 100_000;
export const SHARD_ENV = 'MAILSIM_SHARD';
export const SHARD_INDEX_ENV = 'JOB_COMPLETION_INDEX';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export class ShardError extends MailsimError<'E_SHARD', { spec: string; reason: string }> {
  constructor(spec: string, reason: string) {
    super('E_SHARD', `bad shard ${JSON.stringify(spec)}: ${reason}`, { spec, reason });
    this.name = 'ShardError';
  }
}

function parseCount(text: string, spec: string): number {
  if (!/^\d+$/.test(text)) throw new ShardError(spec, 'N must be a positive integer');
  const count = Number(text);
  if (count < 1 || count > SHARD_COUNT_MAX) throw new ShardError(spec, `N must be in 1..${SHARD_COUNT_MAX}`);
  return count;
}

/** Parses 'i/N' or 'auto/N'; `env` supplies JOB_COMPLETION_INDEX for 'auto'. */
export function parseShard(spec: string, env: Readonly<Record<string, string | undefined>>): Shard {
  const match = /^\s*([^/\s]+)\s*\/\s*([^/\s]+)\s*$/.exec(spec);
  if (match === null) throw new ShardError(spec, 'expected i/N or auto/N');
  const count = parseCount(match[2] ?? '', spec);
  let indexText = match[1] ?? '';
  if (indexText === 'auto') {
    const fromEnv = env[SHARD_INDEX_ENV];
    if (fromEnv === undefined || fromEnv === '') throw new ShardError(spec, `auto needs ${SHARD_INDEX_ENV} to be set`);
    indexText = fromEnv.trim();
  }
  if (!/^\d+$/.test(indexText)) throw new ShardError(spec, `shard index must be a non-negative integer, got ${JSON.stringify(indexText)}`);
  const index = Number(indexText);
  if (index >= count) throw new ShardError(spec, `shard index ${index} must be below N=${count} (shards are numbered from 0)`);
  return { index, count };
}

/** The shard to run: --shard if given, else MAILSIM_SHARD, else everything (null). */
export function shardFrom(option: string | undefined, env: Readonly<Record<string, string | undefined>>): Shard | null {
  const spec = option ?? env[SHARD_ENV];
  if (spec === undefined || spec === '') return null;
  return parseShard(spec, env);
}

/** A warning when the environment looks like an Indexed Job but no shard was asked for (every pod would run every seed). */
export function shardWarning(shard: Shard | null, env: Readonly<Record<string, string | undefined>>): string | null {
  const index = env[SHARD_INDEX_ENV];
  if (shard !== null || index === undefined || index === '') return null;
  return `${SHARD_INDEX_ENV}=${index} is set but no --shard or ${SHARD_ENV} was given: this runs every seed (use --shard auto/N)`;
}

/** The seeds of [from, from + seedCount) that belong to `shard`, ascending. */
export function shardSeeds(from: number, seedCount: number, shard: Shard | null): number[] {
  const seeds: number[] = [];
  const first = shard === null ? 0 : shard.index;
  const step = shard === null ? 1 : shard.count;
  for (let k = first; k < seedCount; k += step) seeds.push(from + k);
  return seeds;
}
