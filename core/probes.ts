/**
 * Coverage probes: named points on rare paths. A seed samples one schedule, so nobody can say
 * which rare paths a sweep reached unless the runs count them: every run counts how often each
 * probe was hit, and a sweep reports which probes its runs reached and which they never did
 * (docs/probes.md).
 *
 * A probe is hit through a sink that its world hands down the contexts that already exist
 * (the strategy's merge and settle contexts, the backend's and the clients' deps), never
 * through state shared between worlds: several worlds can run in one process. Hitting a
 * probe only counts; it never changes behaviour, draws or the history, so every history hash
 * is the same with or without probes.
 */
/** The layer whose code holds a probe (README "How it works"). */
export type ProbeLayer = 'core' | 'sim' | 'backends';

export interface ProbeInfo {
  readonly layer: ProbeLayer;
  /** The rare path, in one line. */
  readonly description: string;
  /**
   * Why no run can reach it: a guard kept for states only hand-built inputs make
   * (docs/probes.md). `--require-probes` without names leaves it out.
   */
  readonly unreachable?: string;
}

/** The catalogue: every probe, its layer and the rare path it marks. Names are kebab-case and stable (results files keep them). */
export const PROBES = {
  'merge-three-heads': {
    layer: 'backends',
    description: 'one receive or held merge merged two or more heads into the replica\'s own: a merge of three or more heads',
  },
  'held-tip-merged-later': {
    layer: 'backends',
    description: 'a replica that held concurrent commits for the designated merger waited out the merge wait and merged them itself',
  },
  'crash-batch-open': {
    layer: 'backends',
    description: 'a server crashed while it owed answers for an open (or committed but unacknowledged) group-commit batch',
  },
  'crash-mid-merge': {
    layer: 'backends',
    description: 'an armed crash struck while the replica was writing a received pack or a merge',
  },
  'pack-refused': {
    layer: 'backends',
    description: 'a server could not apply a pack it received (a delta base or object it lacks: the sender\'s belief of what it holds was stale, or a power loss took it) and told the sender what it holds',
  },
  'torn-write-recovered': {
    layer: 'backends',
    description: 'a power loss tore a file on a server\'s volume, and the replica recovered from that volume at restart',
  },
  'pause-across-lease-renewal': {
    layer: 'sim',
    description: 'an owner lease renewal came due while its holder was paused: the renewal waits for the pause to end',
  },
  'lease-lost-in-pause': {
    layer: 'sim',
    description: 'a holder whose renewal waited out a pause no longer held the lease when the renewal ran: it expired during the pause',
  },
  'client-failover-mid-request': {
    layer: 'sim',
    description: 'an IMAP client\'s request died with its server (no answer), and its next request went to another server',
  },
  'smtp-retry-elsewhere': {
    layer: 'sim',
    description: 'an SMTP delivery that was refused or got no answer was retried, with the same Message-ID, on another server',
  },
  'smtp-gave-up': {
    layer: 'sim',
    description: 'an SMTP sender gave up on a message after its last retry: the delivery was never acknowledged',
  },
  'replica-behind-refused': {
    layer: 'sim',
    description: 'a replica refused an IMAP request because it does not reflect what the client saw elsewhere (the front end\'s read guarantee after a failover)',
  },
  'stale-uidvalidity-refused': {
    layer: 'sim',
    description: 'a replica refused an IMAP request by UID because the mailbox\'s UIDVALIDITY changed since the client selected it',
  },
  'renumber-moved': {
    layer: 'core',
    description: 'a merge gave a new UID to a message that was moved since the merge base',
  },
  'expunge-vs-move': {
    layer: 'core',
    description: 'a merge met one message expunged on one side and moved on the other (the expunge wins)',
  },
  'move-vs-move': {
    layer: 'core',
    description: 'a merge met one message moved to two different mailboxes (the smaller name wins)',
  },
  'flag-add-remove-race': {
    layer: 'core',
    description: 'a merge met a flag changed on one side while the other side rewrote the message and came back to the base\'s flags: the concurrent add and remove of docs/merge-rules.md',
  },
  'flag-without-base': {
    layer: 'core',
    description: 'a merge met a flag that differs between two sides with no base version of the message (the higher MODSEQ decides)',
    unreachable: 'every replica starts from one initial commit and the merge base folds in every best common ancestor, so some ancestor holds each message',
  },
  'recovered-into-inbox': {
    layer: 'core',
    description: 'a merge recovered a message put into a mailbox the other side deleted into INBOX',
  },
  'uidvalidity-changed': {
    layer: 'core',
    description: 'a merge gave a mailbox a UIDVALIDITY that one side did not have (a reset, a re-created mailbox)',
  },
  'owner-takeover': {
    layer: 'core',
    description: 'an owner-strategy settle took a mailbox over from its recorded owner under a newer lease epoch',
  },
} as const satisfies Readonly<Record<string, ProbeInfo>>;

export type ProbeName = keyof typeof PROBES;

export const PROBE_NAMES: readonly ProbeName[] = Object.freeze(Object.keys(PROBES) as ProbeName[]);

/** The probes a run can reach: all but those marked unreachable. */
export const REACHABLE_PROBE_NAMES: readonly ProbeName[] = Object.freeze(PROBE_NAMES.filter((name) => (PROBES[name] as ProbeInfo).unreachable === undefined));

export function isProbeName(name: string): name is ProbeName {
  return Object.hasOwn(PROBES, name);
}

/** Where probe hits go. */
export interface ProbeSink {
  hit(name: ProbeName): void;
}

/** A sink that counts nothing: for merges and settles made outside a world (tests, benches, virtual bases). */
export const NO_PROBES: ProbeSink = Object.freeze({ hit: (): void => {} });

/** One world's probe counts. */
export class ProbeCounts implements ProbeSink {
  private readonly counts = new Map<ProbeName, number>();

  hit(name: ProbeName): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  /** The probes hit, with their counts, in catalogue order (a run result's `probes`). */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of PROBE_NAMES) {
      const count = this.counts.get(name);
      if (count !== undefined) out[name] = count;
    }
    return out;
  }
}
