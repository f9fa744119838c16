/**
 * Which coverage probes (core/probes.ts) a set of runs reached: per probe of the catalogue, how
 * often it was hit in all and which runs hit it; and which required probes no run hit. The
 * sweep summary prints it and its JSON carries it (docs/probes.md). Pure.
 */
import { PROBE_NAMES, PROBES, type ProbeLayer } from '../core/probes.ts';
import type { RunResult } from '../sim/resultTypes.ts';

export interface ProbeRun {
  readonly scenario: string;
  readonly seed: number;
  readonly count: number;
}

export interface ProbeRow {
  readonly name: string;
  readonly layer: ProbeLayer | 'unknown';
  /** Hits summed over every run. */
  readonly hitCount: number;
  /** The runs that hit it, in result order. */
  readonly runs: readonly ProbeRun[];
}

/** Runs named per probe in the printed table; the JSON summary has them all. */
export const PROBE_RUNS_SHOWN_MAX = 5;

/**
 * One row per probe of the catalogue, in catalogue order, then any name a result holds that
 * the catalogue does not (results of other code), sorted. Results without probes count as
 * runs that hit none.
 */
export function probeRows(results: readonly RunResult[]): ProbeRow[] {
  const runsByName = new Map<string, ProbeRun[]>();
  for (const result of results) {
    for (const [name, count] of Object.entries(result.probes ?? {})) {
      if (count <= 0) continue;
      let runs = runsByName.get(name);
      if (runs === undefined) runsByName.set(name, (runs = []));
      runs.push({ scenario: result.scenarioName, seed: result.seed, count });
    }
  }
  const known = new Set<string>(PROBE_NAMES);
  const foreign = [...runsByName.keys()].filter((name) => !known.has(name)).sort();
  return [...PROBE_NAMES, ...foreign].map((name) => {
    const runs = runsByName.get(name) ?? [];
    return {
      name,
      layer: known.has(name) ? PROBES[name as keyof typeof PROBES].layer : 'unknown',
      hitCount: runs.reduce((sum, run) => sum + run.count, 0),
      runs,
    };
  });
}

/** The required probes that no run hit, in the order required. */
export function probesMissed(rows: readonly ProbeRow[], required: readonly string[]): string[] {
  const hit = new Set(rows.filter((row) => row.hitCount > 0).map((row) => row.name));
  return required.filter((name) => !hit.has(name));
}

function runsText(runs: readonly ProbeRun[]): string {
  const shown = runs.slice(0, PROBE_RUNS_SHOWN_MAX).map((run) => `${run.scenario} seed ${run.seed}`);
  const more = runs.length > shown.length ? `, and ${runs.length - shown.length} more` : '';
  return `${shown.join(', ')}${more}`;
}

/** The probe table as text lines: hit probes with their counts and runs, then the probes never hit. */
export function probeLines(rows: readonly ProbeRow[]): string[] {
  if (rows.length === 0) return [];
  const width = Math.max(...rows.map((row) => row.name.length));
  const hit = rows.filter((row) => row.hitCount > 0);
  const never = rows.filter((row) => row.hitCount === 0);
  const lines = [`coverage probes: ${hit.length} of ${rows.length} hit`];
  for (const row of hit) {
    const runWord = row.runs.length === 1 ? 'run' : 'runs';
    const hitWord = row.hitCount === 1 ? 'hit' : 'hits';
    lines.push(`  ${row.name.padEnd(width)} ${row.hitCount} ${hitWord} in ${row.runs.length} ${runWord}: ${runsText(row.runs)}`);
  }
  if (never.length > 0) lines.push(`  never hit: ${never.map((row) => row.name).join(', ')}`);
  return lines;
}
