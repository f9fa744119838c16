/**
 * Argument parsers shared by the commands. Each throws commander's InvalidArgumentError,
 * which the program turns into a one-line message and exit code 2.
 */
import { InvalidArgumentError } from 'commander';

/** Largest seed accepted: seeds must stay exact in JSON and in the rng's seed text. */
export const SEED_MAX = Number.MAX_SAFE_INTEGER;
/** Upper bound on seeds in one sweep, so a typo cannot queue a billion runs. */
export const SWEEP_SEEDS_MAX = 1_000_000;
/** Upper bound on worker threads. */
export const JOBS_MAX = 256;

export function parseNonNegativeInt(text: string, what: string, max: number): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError(`${what} must be a non-negative integer, got ${JSON.stringify(text)}`);
  const value = Number(text.trim());
  if (!Number.isSafeInteger(value) || value > max) throw new InvalidArgumentError(`${what} must be at most ${max}, got ${text}`);
  return value;
}

/** Upper bound on bench find's starting seeds. */
export const STARTS_MAX = 100;

export function parsePositiveInt(text: string, what: string, max: number): number {
  const value = parseNonNegativeInt(text, what, max);
  if (value === 0) throw new InvalidArgumentError(`${what} must be at least 1`);
  return value;
}

export function parseSeed(text: string): number {
  return parseNonNegativeInt(text, 'seed', SEED_MAX);
}

export function parseSeedCount(text: string): number {
  const value = parseNonNegativeInt(text, '--seeds', SWEEP_SEEDS_MAX);
  if (value === 0) throw new InvalidArgumentError('--seeds must be at least 1');
  return value;
}

export function parseJobs(text: string): number {
  const value = parseNonNegativeInt(text, '--jobs', JOBS_MAX);
  if (value === 0) throw new InvalidArgumentError('--jobs must be at least 1');
  return value;
}

/** Collects a repeatable option (--set a=b --set c=d) into a list. */
export function collect(value: string, previous: readonly string[]): string[] {
  if (!value.includes('=')) throw new InvalidArgumentError(`--set expects PATH=VALUE, got ${JSON.stringify(value)}`);
  return [...previous, value];
}
