/**
 * One schedule's choices: the choice source a run draws through in `mailsim explore` and
 * when a scenario carries `choices:`. The first `depth` branching draws (sim/explore/
 * policy.ts) of the chosen components are decided: by the prefix where it reaches, else the
 * first alternative; every later draw is the seed's own. Each branching draw up to there is
 * recorded with its number of alternatives, so the enumeration (./enumerate.ts) knows what
 * is left to try and a replay walks the same positions.
 *
 * With a table of seen worlds, each branch point past the prefix is looked up by the
 * world's digest (./worldDigest.ts): a world already explored with at least as much depth
 * left freezes the schedule, which takes the seed's draws from there on and offers no
 * alternatives. That is what makes a world reached two ways explored once.
 */
import { assert } from '../../core/errors.ts';
import type { ChoiceSource, DrawPoint } from '../rng.ts';
import { componentOf, isBranching } from './policy.ts';

/** One branching draw: the alternative taken (null: the seed's own draw) and how many there were to try (1: none, it was not decided). */
export interface TrailStep {
  readonly index: number | null;
  readonly arity: number;
}

/** A schedule as data: per decided draw, the alternative taken, null for the seed's own draw. */
export type Choices = readonly (number | null)[];

/** Worlds seen at branch points, with the most depth that was left to explore below them. */
export class SeenWorlds {
  private readonly depthLeftByKey = new Map<string, number>();

  get size(): number {
    return this.depthLeftByKey.size;
  }

  /** True when `key` was explored with at least `depthLeft` to go; else records it (with the larger depth left). */
  visit(key: string, depthLeft: number): boolean {
    const before = this.depthLeftByKey.get(key);
    if (before !== undefined && before >= depthLeft) return true;
    this.depthLeftByKey.set(key, depthLeft);
    return false;
  }
}

export interface ChoiceTrailOptions {
  readonly prefix: Choices;
  /** Branching draws decided; beyond them every draw is the seed's. */
  readonly depth: number;
  /** Shared across the runs of one exploration, to count distinct worlds; absent, none are digested. */
  readonly seen?: SeenWorlds;
  /** Freeze a schedule at a world already explored (with `seen`). */
  readonly dedup?: boolean;
  /**
   * The components whose branching draws are decided (sim/explore/policy.ts); the others'
   * take the seed's draw, recorded as null so a replay walks the same positions. Absent: all.
   */
  readonly components?: readonly string[];
}

export class ChoiceTrail implements ChoiceSource {
  readonly steps: TrailStep[] = [];
  /** The step at which the schedule reached a world already explored; null if it never did. */
  frozenAt: number | null = null;
  private readonly options: ChoiceTrailOptions;
  private digest: (() => string) | null = null;
  /** Steps that decide (count against the depth): those of the chosen components. */
  private decided = 0;

  constructor(options: ChoiceTrailOptions) {
    assert(Number.isInteger(options.depth) && options.depth >= 0, `explore depth must be a non-negative integer, got ${options.depth}`);
    this.options = options;
  }

  /** A trail that replays recorded choices and decides nothing else. */
  static replaying(choices: Choices): ChoiceTrail {
    return new ChoiceTrail({ prefix: choices, depth: 0 });
  }

  /** How the world's state is digested at a branch point (sim/world.ts gives it once the world exists). */
  watch(digest: () => string): void {
    this.digest = digest;
  }

  choose(draw: DrawPoint): number | null {
    if (!isBranching(draw)) return null;
    const at = this.steps.length;
    const decides = this.options.components?.includes(componentOf(draw.stream)) ?? true;
    let index: number | null;
    if (at < this.options.prefix.length) index = this.replayed(at, draw.arity);
    else if (this.decided >= this.options.depth) return null;
    else index = decides ? this.fresh(draw) : null;
    if (decides) this.decided++;
    this.steps.push({ index, arity: decides ? draw.arity : 1 });
    return index;
  }

  /** The choices as a scenario's `choices:` holds them, without the seed's own draws at the end. */
  choices(): (number | null)[] {
    const out = this.steps.map((step) => step.index);
    while (out.length > 0 && out.at(-1) === null) out.pop();
    return out;
  }

  /**
   * A recorded choice; one with no such alternative here (the scenario changed since, as
   * shrink changes it) takes the seed's draw, so a recorded schedule always runs.
   */
  private replayed(at: number, arity: number): number | null {
    const index = this.options.prefix[at] ?? null;
    return index !== null && index < arity ? index : null;
  }

  private fresh(draw: DrawPoint): number | null {
    if (this.frozenAt !== null) return null;
    const { seen, depth } = this.options;
    if (seen === undefined || this.digest === null) return 0;
    const exploredBefore = seen.visit(`${this.digest()} ${draw.stream} ${draw.kind}`, depth - this.decided);
    if (!exploredBefore || this.options.dedup !== true) return 0;
    this.frozenAt = this.steps.length;
    return null;
  }
}
