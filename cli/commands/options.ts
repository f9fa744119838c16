/**
 * Argument parsers shared by the commands. Each throws commander's InvalidArgumentError,
 * which the program turns into a one-line message and exit code 2.
 */
import { InvalidArgumentError } from 'commander';
import { isProbeName, PROBE_NAMES, REACHABLE_PROBE_NAMES } from '../../core/probes.ts';
import { REPLICA_KINDS, type ReplicaKind } from '../../sim/replicaKinds.ts';

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

/** --require-probes a,b: names of the catalogue (core/probes.ts), comma-separated. */
export function parseProbeList(text: string): string[] {
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0) throw new InvalidArgumentError(`--require-probes expects probe names separated by commas, got ${JSON.stringify(text)}`);
  const unknown = names.filter((name) => !isProbeName(name));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown probe ${unknown.map((name) => JSON.stringify(name)).join(', ')}; known: ${PROBE_NAMES.join(', ')}`);
  return [...new Set(names)];
}

/** The probes `--require-probes` asks for: every probe a run can reach when given without names (a named one is required even if not). */
export function requiredProbes(option: true | readonly string[] | undefined): readonly string[] {
  if (option === undefined) return [];
  return option === true ? REACHABLE_PROBE_NAMES : option;
}

/** `--replicas a,b,...`: at least two known backends, each once; the first is the reference. */
export function parseReplicas(text: string): ReplicaKind[] {
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.find((name) => !(REPLICA_KINDS as readonly string[]).includes(name));
  if (unknown !== undefined) throw new InvalidArgumentError(`unknown replica ${JSON.stringify(unknown)} (known: ${REPLICA_KINDS.join(', ')})`);
  if (new Set(names).size !== names.length) throw new InvalidArgumentError(`a replica is named twice in ${JSON.stringify(text)}`);
  if (names.length < 2) throw new InvalidArgumentError(`--replicas needs at least two backends to compare, got ${JSON.stringify(text)}`);
  return names as ReplicaKind[];
}
