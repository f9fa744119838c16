/**
 * What a run is expected to give, and whether it did. A scenario expects one verdict, or one
 * per backend (`expect: {git: valid, dsync: invalid}`); a known finding in a real system
 * (`finding:`) names the checks that catch it and, where it shows only on some seeds, those
 * seeds. A finding is reproduced when the run is invalid and every check it names is invalid:
 * a run that is invalid for another reason is not the finding, and a finding that stops
 * reproducing (a fixed upstream bug) is not as expected, so a CI gate notices both.
 */
import type { ReplicaKind } from './replicaKinds.ts';

export type ExpectedVerdict = 'valid' | 'invalid';

/** A known behaviour of a real system that a scenario reproduces on purpose. */
export interface Finding {
  /** One line: what the real system does and what it costs a user. */
  readonly summary: string;
  /** The checks that must be invalid for the finding to count as reproduced. */
  readonly checks: readonly string[];
  /** Where it shows only on some seeds, those seeds; elsewhere the run must be valid. */
  readonly seeds?: readonly number[];
  /** Where the behaviour is described or discussed (a URL, a document section). */
  readonly source?: string;
}

/** A scenario's `finding:` as written: one for the file, or one per real backend. */
export type FindingSpec = Finding | Partial<Record<ReplicaKind, Finding>>;

/** The finding a backend's runs reproduce: the file's one, or that backend's own. */
export function findingFor(spec: FindingSpec | undefined, replica: ReplicaKind): Finding | undefined {
  if (spec === undefined) return undefined;
  return isFinding(spec) ? spec : spec[replica];
}

function isFinding(spec: FindingSpec): spec is Finding {
  return typeof (spec as Finding).summary === 'string';
}

/** A scenario's `expect:` as written: one verdict, or one per backend (unlisted: valid). */
export type ExpectSpec = ExpectedVerdict | Partial<Record<ReplicaKind, ExpectedVerdict>>;

/** The verdict one run (this backend, this seed) must give, and the finding it reproduces if any. */
export function expectationFor(
  spec: ExpectSpec | undefined,
  findingSpec: FindingSpec | undefined,
  replica: ReplicaKind,
  seed: number,
): { expect: ExpectedVerdict; finding?: Finding } {
  const finding = findingFor(findingSpec, replica);
  const base: ExpectedVerdict = spec === undefined ? 'valid' : typeof spec === 'string' ? spec : (spec[replica] ?? 'valid');
  if (finding === undefined || base === 'valid') return { expect: base };
  // A finding seen on some seeds only: on the others the run must hold every promise.
  if (finding.seeds !== undefined && !finding.seeds.includes(seed)) return { expect: 'valid' };
  return { expect: 'invalid', finding };
}

/** The parts of a run result the judgement reads. */
export interface JudgedRun {
  readonly verdict: string;
  readonly expect: ExpectedVerdict;
  readonly finding?: Finding;
  readonly checks?: Readonly<Record<string, { readonly verdict: string }>>;
}

/** Whether a run of a known finding shows it: invalid on every check the finding names. */
export function findingReproduced(run: JudgedRun): boolean {
  if (run.finding === undefined || run.verdict !== 'invalid') return false;
  return run.finding.checks.every((name) => run.checks?.[name]?.verdict === 'invalid');
}

export function isAsExpected(run: JudgedRun): boolean {
  if (run.verdict !== run.expect) return false;
  return run.finding === undefined || findingReproduced(run);
}
