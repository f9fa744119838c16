/**
 * The simulator's causality record of one git server (sim/vclock.ts): the vector clock of
 * what it has applied, which clients' session guarantee and no-lost-flags read. No real
 * server keeps it. A write acknowledged here ticks it; a push's clock joins it only once
 * our head holds every head the push brought (until then the push is held).
 */
import type { Replica } from '../../../core/replica/replica.ts';
import type { VectorClock } from '../../../sim/historyTypes.ts';
import { mergeClocks, tick } from '../../../sim/vclock.ts';

/** Pushes whose clocks wait for our head to hold them (named limit; dropping the oldest only makes the session guarantee stricter). */
export const HELD_CLOCKS_MAX = 1_024;
/** The lying-clocks-drop-flag mutant's count for every server: above any count a run reaches. */
export const LYING_CLOCK_COUNT = 2 ** 30;

export class CausalityRecord {
  vclock: VectorClock = {};
  /**
   * Vector clocks of pushes whose heads are not in our head yet (held): a client's session
   * guarantee may count a write as applied here only once our head holds it.
   */
  private heldClocks: { readonly heads: readonly string[]; readonly vclock: VectorClock }[] = [];

  /** Test-only mutant (lying-clocks-drop-flag): the one clock handed out, above every real one. */
  private lyingClock: VectorClock | null = null;

  constructor(private readonly node: string) {}

  /** The lying-clocks-drop-flag mutant: from now on every clock handed out is LYING_CLOCK_COUNT for every server. */
  lie(nodes: readonly string[]): void {
    this.lyingClock = Object.fromEntries([...nodes].sort().map((node) => [node, LYING_CLOCK_COUNT]));
  }

  /**
   * A write acknowledged here: its stamp. `stampAbove` (the lying-clock-drop-keyword mutant):
   * a stamp above every stamp handed out before it anywhere, so every write claims to follow every other.
   */
  ackWrite(stampAbove?: number): VectorClock {
    if (this.lyingClock !== null) this.vclock = this.lyingClock;
    else if (stampAbove !== undefined) this.vclock = mergeClocks(this.vclock, { '*': stampAbove });
    else this.vclock = tick(this.vclock, this.node);
    return this.vclock;
  }

  /** A push this replica took: its clock joins ours now if our head holds its heads, else once it does. */
  received(heads: readonly string[], vclock: VectorClock, replica: Replica): void {
    if (this.lyingClock !== null) this.vclock = this.lyingClock;
    else if (heads.every((head) => replica.inHead(head))) this.vclock = mergeClocks(this.vclock, vclock);
    else {
      this.heldClocks.push({ heads, vclock });
      if (this.heldClocks.length > HELD_CLOCKS_MAX) this.heldClocks.shift();
    }
  }

  /** Our head moved: merges the clocks of every push whose heads it now holds. */
  headMoved(replica: Replica): void {
    const waiting: typeof this.heldClocks = [];
    for (const held of this.heldClocks) {
      if (held.heads.every((head) => replica.inHead(head))) this.vclock = mergeClocks(this.vclock, held.vclock);
      else waiting.push(held);
    }
    this.heldClocks = waiting;
  }

  /** A crash forgets the held pushes (what was applied stays counted). */
  crashed(): void {
    this.heldClocks = [];
  }
}
