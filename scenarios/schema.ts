/**
 * The scenario file format: one zod schema, the friendly YAML surface researchers write.
 * Every field is optional: what a file leaves out is drawn from the seed by
 * scenarios/resolve.ts (swarm testing), so this schema carries no defaults and a parsed
 * scenario prints back exactly as written (failure files embed it).
 *
 * Cross-field rules (a fault names a known server, min <= max...) live in the final
 * superRefine so that each issue carries the path of the field at fault.
 * scenarios/schema.json is generated from this file (npx tsx scenarios/genSchema.ts > scenarios/schema.json).
 */
import { z } from 'zod';
import { STRATEGY_NAMES } from '../core/strategies/registry.ts';
import { DEFAULT_INDEX_CHUNKS, INDEX_CHUNKS_CHOICES } from '../core/flagsApart.ts';
import { MUTANT_NAMES, MUTANTS } from '../sim/checkers/mutants.ts';
import { CHECK_NAMES } from '../sim/checkers/names.ts';
import { DEFAULT_NEMESIS_KINDS, NEMESIS_KINDS } from '../sim/faultKinds.ts';
import { REAL_REPLICA_REFUSED_KINDS, REPLICA_KINDS, isRealReplica } from '../sim/replicaKinds.ts';
import { REAL_CLIENT_EDIT_ACTIONS, REAL_CLIENT_KINDS } from '../sim/realClientTypes.ts';

export const SERVERS_MAX = 16;
export const MAILBOX_MESSAGES_MAX = 100_000;
export const CLIENTS_MAX = 256;
export const RATE_PER_SEC_MAX = 10_000;
export const DURATION_MS_MAX = 24 * 3600 * 1000;
export const MESSAGE_SIZE_BYTES_MAX = 64 * 1024 * 1024;
export const LIST_ITEMS_MAX = 10_000;
/** Real client programs in one file: each runs a process per sync. */
export const REAL_CLIENTS_MAX = 16;
/** Syncs or edits of one real client. */
export const REAL_CLIENT_EVENTS_MAX = 1_000;
/** Bits of the 32-bit GUID key (core/layout.ts) a fanout may use over all its levels. */
export const FANOUT_KEY_BITS_MAX = 32;
/** A recorded schedule's decided draws at most (explore's --depth is bounded by it). */
export const CHOICES_MAX = 10_000;
/** The largest alternative index a recorded choice may name: a pick among at most this many distinct items. */
const CHOICE_INDEX_MAX = 1_000_000;
/** Bits of the GUID key one level of `width` directories uses (4 -> 2, 256 -> 8). */
export function fanoutBits(width: number): number {
  return Math.round(Math.log2(width));
}
/**
 * Core's fanout spec for `width` directories per level: hex digits for 16 and up (256 -> two
 * hex digits), one base-4 or binary digit for 4 and 2.
 */
export function fanoutShape(width: number): { width: number; digitBits: 1 | 2 | 4 } {
  const bits = fanoutBits(width);
  if (bits === 1 || bits === 2) return { width: 1, digitBits: bits };
  return { width: bits / 4, digitBits: 4 };
}
/**
 * The fanout when a file names neither width nor depth: 4 directories per level, 6 levels,
 * 4,096 leaf directories. `mailsim bench store` measured it the cheapest per flag change
 * at 10,000 messages (about 1.3 KB against 10 KB for 256 x 1): each change rewrites six
 * small trees instead of one large one.
 */
export const DEFAULT_FANOUT_WIDTH = 4;
export const DEFAULT_FANOUT_DEPTH = 6;
/** A file's fanout with the defaults filled in: a width alone is one level of it; a depth alone, levels of the default width. */
export function fanoutDimensions(layout: { readonly width?: number; readonly depth?: number }): { width: number; depth: number } {
  return { width: layout.width ?? DEFAULT_FANOUT_WIDTH, depth: layout.depth ?? (layout.width === undefined ? DEFAULT_FANOUT_DEPTH : 1) };
}

/** The checker names, from the one list (sim/checkers/names.ts). */
export const CHECK_NAME_LIST = CHECK_NAMES;

export { NEMESIS_KINDS };
export const FAULT_KEYS = ['partition', 'oneWay', 'bridge', 'heal', 'crash', 'restart', 'skew', 'jump', 'pause', 'rot', 'misdirect', 'eio', 'diskFull', 'diskFree'] as const;
export const SCRIPT_KEYS = ['deliver', 'append', 'store', 'expunge', 'move', 'copy', 'delete'] as const;

const nonEmpty = <T extends string>(items: readonly T[]): [T, ...T[]] => {
  if (items.length === 0) throw new Error('assertion failed: empty enum');
  return items as [T, ...T[]];
};

const count = (max: number) => z.int().min(0).max(max);
const chance = z.number().min(0).max(1).describe('a chance in [0, 1]');
const timeMs = z.int().min(0).max(DURATION_MS_MAX);
const signedMs = z.int().min(-DURATION_MS_MAX).max(DURATION_MS_MAX);
const serverName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, 'a server name is a letter then up to 31 letters, digits, _ or -');
const mailboxName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\u0000-\u001f\u007f/*%\\]+$/, 'a mailbox name has no control characters, /, *, % or \\');
const keyword = z.string().regex(/^[A-Za-z$][A-Za-z0-9$_.-]{0,63}$/, 'an IMAP keyword (atom)');
const flag = z.string().regex(/^\\?[A-Za-z$][A-Za-z0-9$_.-]{0,63}$/, 'a system flag (\\Seen) or a keyword');
const uid = z.int().min(1).max(2 ** 32 - 1);
const verdictSchema = z.enum(['valid', 'invalid']);

const findingSchema = z.strictObject({
  summary: z.string().min(1).max(1_000).describe('one line: what the real system does and what it costs a user'),
  checks: z.array(z.enum(CHECK_NAME_LIST)).min(1).max(CHECK_NAME_LIST.length).describe('the checks that must be invalid for the finding to count as reproduced'),
  seeds: z.array(z.int().min(0).max(Number.MAX_SAFE_INTEGER)).min(1).max(LIST_ITEMS_MAX).optional().describe('where it shows on some seeds only, those seeds; on the others the run must be valid'),
  source: z.string().min(1).max(1_000).optional().describe('where the behaviour is documented or discussed'),
});

export const strategySchema = z.enum(nonEmpty(STRATEGY_NAMES)).describe('UID strategy');

const layoutSchema = z
  .union([
    z.enum(['flat', 'fanout', 'flags-apart']),
    z.strictObject({ kind: z.literal('flat') }),
    z.strictObject({
      kind: z.literal('flags-apart'),
      chunks: z
        .int()
        .refine((n) => INDEX_CHUNKS_CHOICES.includes(n), `chunks is one of ${INDEX_CHUNKS_CHOICES.join(', ')}`)
        .optional()
        .describe(`index files per mailbox: ${INDEX_CHUNKS_CHOICES.join(', ')} (default ${DEFAULT_INDEX_CHUNKS})`),
    }),
    z.strictObject({
      kind: z.literal('fanout'),
      width: z
        .union([z.literal(2), z.literal(4), z.literal(16), z.literal(256), z.literal(4096), z.literal(65_536)])
        .optional()
        .describe('directories per level: 2, 4, 16, 256, 4096 or 65536 (1 to 16 bits of the GUID hash; default 4)'),
      depth: z.int().min(1).max(FANOUT_KEY_BITS_MAX).optional().describe('levels (default 1 when width is given, else 6)'),
    }),
  ])
  .describe("Maildir layout in the git tree: 'flat', 'fanout' (4 directories x 6 levels), {kind: fanout, width, depth}, or 'flags-apart' (message files never renamed, flags in index files; {kind: flags-apart, chunks})");

const mailboxSchema = z.strictObject({
  name: mailboxName,
  messages: count(MAILBOX_MESSAGES_MAX).optional().describe('initial population (message count)'),
  owner: serverName.optional().describe('the server that assigns UIDs (strategy owner)'),
});

const ratesSchema = z
  .strictObject({
    deliver: z.number().min(0).max(RATE_PER_SEC_MAX).optional(),
    store: z.number().min(0).max(RATE_PER_SEC_MAX).optional(),
    expunge: z.number().min(0).max(RATE_PER_SEC_MAX).optional(),
    move: z.number().min(0).max(RATE_PER_SEC_MAX).optional(),
    copy: z.number().min(0).max(RATE_PER_SEC_MAX).optional(),
    append: z.number().min(0).max(RATE_PER_SEC_MAX).optional(),
    select: z.number().min(0).max(RATE_PER_SEC_MAX).optional(),
  })
  .describe('client operations per second of virtual time, by kind, across all clients');

const rangeSchema = (max: number) =>
  z.strictObject({ min: z.int().min(0).max(max).optional(), max: z.int().min(0).max(max).optional() });

const workloadSchema = z.strictObject({
  smtpClients: count(CLIENTS_MAX).optional(),
  imapClients: count(CLIENTS_MAX).optional(),
  ratesPerSec: ratesSchema.optional(),
  messageSizeBytes: rangeSchema(MESSAGE_SIZE_BYTES_MAX).optional(),
  keywords: z.array(keyword).max(64).optional().describe('keywords clients may set besides the system flags'),
  opsMax: count(10_000_000).optional().describe('stop issuing client operations after this many (0: duration only)'),
});

const latencySchema = z
  .union([
    z.strictObject({ min: timeMs, max: timeMs }),
    z.strictObject({ mean: z.int().min(1).max(DURATION_MS_MAX), max: timeMs }),
  ])
  .describe('one-way message latency: uniform {min, max} or exponential {mean, max}');

const groupsSchema = z.array(z.array(serverName).min(1).max(SERVERS_MAX)).min(2).max(SERVERS_MAX);

const sitesSchema = z
  .strictObject({
    groups: groupsSchema.describe('the servers of each site'),
    latencyMs: latencySchema.describe('latency between servers of different sites; inside a site, network.latencyMs'),
  })
  .describe('servers in sites: links between sites get their own latency (a WAN)');

const networkSchema = z.strictObject({
  latencyMs: latencySchema.optional(),
  sites: sitesSchema.optional(),
  loss: chance.optional(),
  duplication: chance.optional(),
  reorder: chance.optional(),
});

/** One scheduled fault: `at` (virtual ms) plus exactly one of the fault keys. */
const faultSchema = z
  .strictObject({
    at: timeMs.describe('virtual time of the fault, ms'),
    partition: groupsSchema.optional().describe('groups that can reach only each other'),
    oneWay: z.strictObject({ from: serverName, to: serverName }).optional().describe('messages from -> to are dropped'),
    bridge: z.strictObject({ groups: groupsSchema, via: serverName }).optional().describe('groups that reach each other only through `via`'),
    heal: z.literal(true).optional().describe('end every partition'),
    crash: serverName.optional(),
    mode: z.enum(['process', 'power']).optional().describe('crash mode (default process): power may lose unsynced writes'),
    restart: serverName.optional(),
    skew: z.strictObject({ node: serverName, offsetMs: signedMs }).optional().describe("set the node's clock offset"),
    jump: z.strictObject({ node: serverName, deltaMs: signedMs }).optional().describe("move the node's clock by deltaMs"),
    pause: z
      .strictObject({ node: serverName, durationMs: z.int().min(1).max(DURATION_MS_MAX) })
      .optional()
      .describe('the node handles no event for durationMs while its clock runs on; what arrives queues'),
    rot: serverName.optional().describe('bit rot: a byte of one synced object file on the node flips'),
    misdirect: serverName.optional().describe("the node's next object file write lands at another object's path, or gets another object's bytes"),
    eio: z.strictObject({ node: serverName, op: z.enum(['read', 'write']) }).optional().describe("the node's next read or write fails with EIO"),
    diskFull: serverName.optional().describe("the node's disk is full: every write fails with ENOSPC until diskFree"),
    diskFree: serverName.optional().describe("the node's disk has room again"),
  })
  .describe('a scheduled fault: at plus one of partition, oneWay, bridge, heal, crash (+ mode), restart, skew, jump, pause, rot, misdirect, eio, diskFull, diskFree');

const nemesisSchema = z
  .union([
    z.literal(false),
    z.strictObject({
      intervalMs: z.int().min(1).max(DURATION_MS_MAX).optional().describe('mean time between faults'),
      kinds: z.array(z.enum(NEMESIS_KINDS)).min(1).max(NEMESIS_KINDS.length).optional(),
      faultDurationMsMax: z.int().min(1).max(DURATION_MS_MAX).optional(),
      skewMsMax: timeMs.optional(),
    }),
  ])
  .describe('random faults drawn from the seed; false = none');

const clockSchema = z.strictObject({
  offsetMs: signedMs.optional(),
  driftPpm: z.number().min(-100_000).max(100_000).optional(),
});

const scriptOpSchema = z
  .strictObject({
    at: timeMs.describe('virtual time of the operation, ms'),
    node: serverName.describe('the server the client talks to'),
    deliver: z.strictObject({ mailbox: mailboxName.optional(), count: z.int().min(1).max(10_000).optional() }).optional(),
    append: z.strictObject({ mailbox: mailboxName, flags: z.array(flag).max(64).optional() }).optional(),
    store: z
      .strictObject({ mailbox: mailboxName, uid, mode: z.enum(['+', '-', '=']).optional(), flags: z.array(flag).max(64) })
      .optional(),
    expunge: z.strictObject({ mailbox: mailboxName, uids: z.array(uid).min(1).max(LIST_ITEMS_MAX) }).optional(),
    move: z.strictObject({ from: mailboxName, to: mailboxName, uid }).optional(),
    copy: z.strictObject({ from: mailboxName, to: mailboxName, uid }).optional(),
    delete: z.strictObject({ mailbox: mailboxName }).optional().describe('IMAP DELETE of the mailbox and every message in it (never INBOX)'),
  })
  .describe('an exact client operation: at, node plus one of deliver, append, store, expunge, move, copy, delete');

const realClientSchema = z
  .strictObject({
    kind: z.enum(REAL_CLIENT_KINDS).describe('the program: mbsync (isync) or offlineimap (offlineimap3)'),
    server: serverName.optional().describe('the server it syncs with (the next one up and reachable when that one is down or cut off); drawn when left out'),
    near: serverName.optional().describe('the server it sits beside on the network (default: its own server): a partition that puts its server on the other side cuts it off, and it fails over'),
    syncAtMs: z.array(timeMs).min(1).max(REAL_CLIENT_EVENTS_MAX).optional().describe('virtual times of its syncs, ms; drawn when left out'),
    edits: z
      .array(
        z.strictObject({
          at: timeMs.describe('virtual time of the edit, ms'),
          action: z.enum(REAL_CLIENT_EDIT_ACTIONS).optional().describe('flag (rename with F), seen (rename with S) or delete (unlink); drawn when left out'),
        }),
      )
      .max(REAL_CLIENT_EVENTS_MAX)
      .optional()
      .describe('offline edits of its user in the local Maildir, each on a message the client holds (drawn from the seed); drawn when left out'),
  })
  .describe('a real IMAP client program with its own local Maildir for the whole run, syncing INBOX with a server through Dovecot\'s imap');

const limitsSchema = z.strictObject({
  eventsMax: z.int().min(1).max(1_000_000_000).optional(),
  timeMsMax: z.int().min(1).max(10 * DURATION_MS_MAX).optional(),
  messageSizeBytesMax: z.int().min(1).max(MESSAGE_SIZE_BYTES_MAX).optional(),
});

const baseSchema = z.strictObject({
  $schema: z.string().optional().describe('path of scenarios/schema.json, for editors'),
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(10_000).optional(),
  servers: z
    .union([z.int().min(1).max(SERVERS_MAX), z.array(serverName).min(1).max(SERVERS_MAX)])
    .optional()
    .describe(`a server count (1..${SERVERS_MAX}, named n1, n2...) or a list of server names`),
  replica: z
    .enum(REPLICA_KINDS)
    .optional()
    .describe('the replica backend: git (the reference replica, default), dsync (real Dovecot, stateful doveadm sync) or dsync-plain (stateless sync)'),
  compareReplicas: z
    .array(z.enum(REPLICA_KINDS))
    .min(1)
    .max(REPLICA_KINDS.length)
    .optional()
    .describe('suite and sweep run this file once per backend listed (as --set replica=X); real ones are skipped, loudly, where Dovecot is not installed'),
  strategy: strategySchema.optional(),
  layout: layoutSchema.optional(),
  batch: z
    .union([z.literal(false), z.strictObject({ opsMax: z.int().min(1).max(100_000), windowMs: timeMs })])
    .optional()
    .describe('batched mode: up to opsMax operations or windowMs per commit; false = one commit per operation'),
  mailboxes: z.array(mailboxSchema).min(1).max(1_000).optional(),
  workload: workloadSchema.optional(),
  network: networkSchema.optional(),
  faults: z.array(faultSchema).max(LIST_ITEMS_MAX).optional(),
  nemesis: nemesisSchema.optional(),
  clocks: z.record(serverName, clockSchema).optional().describe('per-server clock offset and drift'),
  script: z.array(scriptOpSchema).max(LIST_ITEMS_MAX).optional(),
  realClients: z.array(realClientSchema).max(REAL_CLIENTS_MAX).optional().describe('real IMAP client programs (docs/real-clients.md); skipped, loudly, where a program is not installed'),
  durationMs: z.int().min(1).max(DURATION_MS_MAX).optional().describe('client operations and faults happen in [0, durationMs)'),
  convergenceBoundMs: z.int().min(0).max(DURATION_MS_MAX).optional().describe('after the last heal, replicas must agree within this'),
  syncIntervalMs: z.int().min(1).max(DURATION_MS_MAX).optional(),
  checks: z
    .union([z.literal('all'), z.array(z.enum(CHECK_NAME_LIST)).min(1).max(CHECK_NAME_LIST.length)])
    .optional()
    .describe("checker names, or 'all'"),
  expect: z
    .union([verdictSchema, z.partialRecord(z.enum(REPLICA_KINDS), verdictSchema)])
    .optional()
    .describe('the verdict this scenario must give (default valid), or one per backend ({git: valid, dsync: invalid}; a backend left out: valid)'),
  finding: z
    .union([findingSchema, z.partialRecord(z.enum(REPLICA_KINDS), findingSchema)])
    .optional()
    .describe('a known finding in a real system: the runs that expect invalid reproduce it, and stop being as expected when it stops reproducing; one for the file, or one per real backend ({dsync: {...}, cyrus: {...}}) where each fails its own way'),
  seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('default seed when none is given'),
  compareStrategies: z
    .array(strategySchema)
    .min(1)
    .max(STRATEGY_NAMES.length)
    .optional()
    .describe('suite and sweep run this file once per strategy listed (as --set strategy=X), so the report compares them on one workload'),
  leases: z
    .strictObject({
      durationMs: z.int().min(10).max(DURATION_MS_MAX).optional().describe('how long a granted owner lease lasts (default 10000)'),
      driftPpmMax: z.int().min(0).max(500_000).optional().describe('the clock drift bound the allowance covers, ppm (default 1000); clocks may drift past it (controls do)'),
    })
    .optional()
    .describe('the owner strategy\'s UID leases, granted by a majority over the network'),
  gitReference: z
    .boolean()
    .optional()
    .describe("also measure real git's thin pack for this run's flag-change and delivery commits (the CLI runs git pack-objects on an exported copy; skipped without git)"),
  limits: limitsSchema.optional(),
  mutant: z
    .enum(nonEmpty(MUTANT_NAMES))
    .optional()
    .describe('TEST-ONLY hook: a named fault injected into a good strategy (sim/checkers/mutants.ts), for checker negative controls'),
  choices: z
    .array(z.int().min(0).max(CHOICE_INDEX_MAX).nullable())
    .max(CHOICES_MAX)
    .optional()
    .describe("a schedule mailsim explore found: the alternative taken at each branching draw, null for the seed's own draw (docs/explore.md); written into its failure files"),
});

export type Scenario = z.infer<typeof baseSchema>;
export type ScenarioFault = z.infer<typeof faultSchema>;
export type ScenarioScriptOp = z.infer<typeof scriptOpSchema>;
export type ScenarioRealClient = z.infer<typeof realClientSchema>;

type Issue = { path: PropertyKey[]; message: string };
type Report = (issue: Issue) => void;

/** The one key of `keys` present in `record`, or an issue. */
function exactlyOneKey(record: object, keys: readonly string[], path: PropertyKey[], what: string, report: Report): string | null {
  const present = keys.filter((k) => (record as Record<string, unknown>)[k] !== undefined);
  if (present.length === 1) return present[0] ?? null;
  const message =
    present.length === 0 ? `${what} needs one of: ${keys.join(', ')}` : `${what} has more than one kind: ${present.join(', ')}`;
  report({ path, message });
  return null;
}

/** The server names the file fixes, or null when `servers` is left to the draw. */
export function explicitServerNames(servers: Scenario['servers']): string[] | null {
  if (servers === undefined) return null;
  if (typeof servers === 'number') return Array.from({ length: servers }, (_, i) => `n${i + 1}`);
  return servers;
}

function checkServer(name: string, known: string[] | null, path: PropertyKey[], report: Report): void {
  if (known === null) {
    report({ path, message: `names server ${JSON.stringify(name)} but \`servers\` is not given (it would be drawn)` });
  } else if (!known.includes(name)) {
    report({ path, message: `unknown server ${JSON.stringify(name)}; servers are ${known.join(', ')}` });
  }
}

function checkGroups(groups: string[][], known: string[] | null, path: PropertyKey[], report: Report): void {
  const seen = new Set<string>();
  groups.forEach((group, g) =>
    group.forEach((name, i) => {
      checkServer(name, known, [...path, g, i], report);
      if (seen.has(name)) report({ path: [...path, g, i], message: `server ${JSON.stringify(name)} is in two groups` });
      seen.add(name);
    }),
  );
}

function checkFault(fault: ScenarioFault, index: number, known: string[] | null, report: Report): void {
  const path = ['faults', index];
  const kind = exactlyOneKey(fault, FAULT_KEYS, path, 'a fault', report);
  if (fault.mode !== undefined && kind !== null && kind !== 'crash') report({ path: [...path, 'mode'], message: '`mode` belongs to a crash' });
  if (fault.partition) checkGroups(fault.partition, known, [...path, 'partition'], report);
  if (fault.oneWay) {
    checkServer(fault.oneWay.from, known, [...path, 'oneWay', 'from'], report);
    checkServer(fault.oneWay.to, known, [...path, 'oneWay', 'to'], report);
    if (fault.oneWay.from === fault.oneWay.to) report({ path: [...path, 'oneWay', 'to'], message: 'from and to are the same server' });
  }
  if (fault.bridge) {
    checkGroups(fault.bridge.groups, known, [...path, 'bridge', 'groups'], report);
    checkServer(fault.bridge.via, known, [...path, 'bridge', 'via'], report);
    if (fault.bridge.groups.some((g) => g.includes(fault.bridge!.via))) {
      report({ path: [...path, 'bridge', 'via'], message: 'the bridge server must not be in a group' });
    }
  }
  if (fault.crash !== undefined) checkServer(fault.crash, known, [...path, 'crash'], report);
  if (fault.restart !== undefined) checkServer(fault.restart, known, [...path, 'restart'], report);
  if (fault.skew) checkServer(fault.skew.node, known, [...path, 'skew', 'node'], report);
  if (fault.jump) checkServer(fault.jump.node, known, [...path, 'jump', 'node'], report);
  if (fault.pause) checkServer(fault.pause.node, known, [...path, 'pause', 'node'], report);
  for (const key of ['rot', 'misdirect', 'diskFull', 'diskFree'] as const) {
    const node = fault[key];
    if (node !== undefined) checkServer(node, known, [...path, key], report);
  }
  if (fault.eio) checkServer(fault.eio.node, known, [...path, 'eio', 'node'], report);
}

function checkMailbox(name: string, mailboxes: string[] | null, path: PropertyKey[], report: Report): void {
  if (mailboxes !== null && !mailboxes.includes(name)) {
    report({ path, message: `unknown mailbox ${JSON.stringify(name)}; mailboxes are ${mailboxes.join(', ')}` });
  }
}

function checkScriptOp(op: ScenarioScriptOp, index: number, known: string[] | null, mailboxes: string[] | null, report: Report): void {
  const path = ['script', index];
  exactlyOneKey(op, SCRIPT_KEYS, path, 'a script operation', report);
  checkServer(op.node, known, [...path, 'node'], report);
  const named: [string | undefined, string][] = [
    [op.deliver?.mailbox, 'deliver.mailbox'],
    [op.append?.mailbox, 'append.mailbox'],
    [op.store?.mailbox, 'store.mailbox'],
    [op.expunge?.mailbox, 'expunge.mailbox'],
    [op.move?.from, 'move.from'],
    [op.move?.to, 'move.to'],
    [op.copy?.from, 'copy.from'],
    [op.copy?.to, 'copy.to'],
    [op.delete?.mailbox, 'delete.mailbox'],
  ];
  if (op.delete?.mailbox === 'INBOX') report({ path: [...path, 'delete', 'mailbox'], message: 'INBOX cannot be deleted' });
  for (const [name, at] of named) if (name !== undefined) checkMailbox(name, mailboxes, [...path, ...at.split('.')], report);
}

function checkMinMax(range: { min?: number; max?: number } | undefined, path: PropertyKey[], report: Report): void {
  if (range?.min !== undefined && range.max !== undefined && range.min > range.max) {
    report({ path: [...path, 'max'], message: `max (${range.max}) is below min (${range.min})` });
  }
}

/** The cross-field rules; each problem is reported at the path of the field at fault. */
function checkLatency(latency: z.infer<typeof latencySchema> | undefined, path: PropertyKey[], report: Report): void {
  if (latency && 'min' in latency) checkMinMax(latency, path, report);
  if (latency && 'mean' in latency && latency.mean > latency.max) {
    report({ path: [...path, 'max'], message: `max (${latency.max}) is below mean (${latency.mean})` });
  }
}

/**
 * What a real backend (replica: dsync) cannot be given, refused by name rather than ignored:
 * a real process runs on the machine's clock (no skew, jumps or drifting clocks), under no
 * simulated volume (no power loss with torn writes), with Dovecot's own UID rule and storage
 * (no strategy but renumber, which is that rule; no layout, batching, leases or mutants).
 */
function checkRealReplica(s: Scenario, report: Report): void {
  if (!isRealReplica(s.replica)) return;
  const why = `cannot apply to replica ${s.replica ?? ''} (a real Dovecot process)`;
  s.faults?.forEach((f, i) => {
    if (f.skew !== undefined) report({ path: ['faults', i, 'skew'], message: `clock skew ${why}: it runs on the machine's clock` });
    if (f.jump !== undefined) report({ path: ['faults', i, 'jump'], message: `a clock jump ${why}: it runs on the machine's clock` });
    if (f.crash !== undefined && f.mode === 'power') report({ path: ['faults', i, 'mode'], message: `a power crash ${why}: torn writes need the simulated volume` });
    for (const key of ['rot', 'misdirect', 'eio', 'diskFull', 'diskFree'] as const) {
      if (f[key] !== undefined) report({ path: ['faults', i, key], message: `a disk fault ${why}: it needs the simulated volume` });
    }
  });
  if (s.nemesis !== undefined && s.nemesis !== false) {
    const kinds = s.nemesis.kinds;
    const refusedByDefault = REAL_REPLICA_REFUSED_KINDS.filter((kind) => (DEFAULT_NEMESIS_KINDS as readonly string[]).includes(kind));
    if (kinds === undefined) report({ path: ['nemesis', 'kinds'], message: `the default kinds include ${refusedByDefault.join(', ')}, which ${why}: name the kinds` });
    kinds?.forEach((kind, i) => {
      if (REAL_REPLICA_REFUSED_KINDS.includes(kind)) report({ path: ['nemesis', 'kinds', i], message: `${kind} ${why}` });
    });
  }
  for (const [name, clock] of Object.entries(s.clocks ?? {})) {
    if ((clock.offsetMs ?? 0) !== 0 || (clock.driftPpm ?? 0) !== 0) report({ path: ['clocks', name], message: `a clock offset or drift ${why}: it runs on the machine's clock` });
  }
  if (s.strategy !== undefined && s.strategy !== 'renumber') report({ path: ['strategy'], message: `${s.strategy} ${why}: Dovecot has its own UID rule (renumber)` });
  for (const field of ['layout', 'batch', 'leases', 'mutant', 'gitReference', 'compareStrategies'] as const) {
    if (s[field] !== undefined && s[field] !== false) report({ path: [field], message: `${field} ${why}` });
  }
}

/**
 * A `finding` belongs to a real system: `expect` names a real backend it is invalid on, or the
 * file runs real client programs (realClients) and expects invalid (mailsim's own known-bad
 * strategies are controls, not findings). The per-backend form keeps the expectation true when
 * `--set replica=X` runs the file on another backend.
 */
function checkExpectation(s: Scenario, report: Report): void {
  if (s.finding === undefined) return;
  const perBackend = typeof s.expect === 'object' ? s.expect : {};
  const invalidOn = Object.keys(perBackend).filter((name) => perBackend[name as keyof typeof perBackend] === 'invalid');
  if (!('summary' in s.finding)) {
    // One finding per backend: each names a real backend the file expects invalid.
    for (const name of Object.keys(s.finding)) {
      if (!invalidOn.includes(name) || !isRealReplica(name as Scenario['replica'])) report({ path: ['finding', name], message: `a finding for ${name} needs ${name} to be a real backend (dsync, dsync-plain, cyrus) that \`expect\` says is invalid` });
    }
    return;
  }
  // The real system may be a real client program the file runs (realClients).
  const realClient = (s.realClients ?? []).length > 0 && (s.expect === 'invalid' || invalidOn.length > 0);
  if (!realClient && !invalidOn.some((name) => isRealReplica(name as Scenario['replica']))) {
    report({ path: ['finding'], message: 'a finding needs `expect` per backend, invalid on a real one (dsync, dsync-plain, cyrus), or a file with real clients (realClients) that expects invalid' });
  }
}

/** Real clients name known servers, act before the run ends, and sync with a replica whose Maildir can be read (not Cyrus). */
function checkRealClients(s: Scenario, known: string[] | null, report: Report): void {
  s.realClients?.forEach((client, i) => {
    const path = ['realClients', i];
    if (client.server !== undefined) checkServer(client.server, known, [...path, 'server'], report);
    if (client.near !== undefined) checkServer(client.near, known, [...path, 'near'], report);
    const late = (atMs: number): boolean => s.durationMs !== undefined && atMs >= s.durationMs;
    client.syncAtMs?.forEach((atMs, j) => {
      if (late(atMs)) report({ path: [...path, 'syncAtMs', j], message: `${atMs} is not before durationMs (${s.durationMs})` });
    });
    client.edits?.forEach((edit, j) => {
      if (late(edit.at)) report({ path: [...path, 'edits', j, 'at'], message: `at (${edit.at}) is not before durationMs (${s.durationMs})` });
    });
    // A sync reads the replica's INBOX files; Cyrus keeps its own spool format, not a Maildir.
    if (s.replica === 'cyrus') report({ path, message: 'real clients sync with the reference replica (git) or real Dovecot (dsync, dsync-plain), not cyrus: Cyrus keeps no Maildir to show them' });
  });
}

export function checkScenario(s: Scenario, report: Report): void {
  checkRealReplica(s, report);
  checkExpectation(s, report);
  const known = explicitServerNames(s.servers);
  const listed = s.servers;
  if (Array.isArray(listed)) {
    listed.forEach((name, i) => {
      if (listed.indexOf(name) !== i) report({ path: ['servers', i], message: `server ${JSON.stringify(name)} is listed twice` });
    });
  }
  const mailboxNames = s.mailboxes?.map((m) => m.name) ?? null;
  s.mailboxes?.forEach((m, i) => {
    if (mailboxNames!.indexOf(m.name) !== i) report({ path: ['mailboxes', i, 'name'], message: `mailbox ${JSON.stringify(m.name)} is listed twice` });
    if (m.owner !== undefined) checkServer(m.owner, known, ['mailboxes', i, 'owner'], report);
  });
  if (mailboxNames !== null && !mailboxNames.includes('INBOX')) report({ path: ['mailboxes'], message: 'mailboxes must include INBOX' });
  s.faults?.forEach((f, i) => {
    checkFault(f, i, known, report);
    if (s.durationMs !== undefined && f.at >= s.durationMs) {
      report({ path: ['faults', i, 'at'], message: `at (${f.at}) is not before durationMs (${s.durationMs})` });
    }
  });
  s.script?.forEach((op, i) => {
    checkScriptOp(op, i, known, mailboxNames, report);
    if (s.durationMs !== undefined && op.at >= s.durationMs) {
      report({ path: ['script', i, 'at'], message: `at (${op.at}) is not before durationMs (${s.durationMs})` });
    }
  });
  for (const name of Object.keys(s.clocks ?? {})) checkServer(name, known, ['clocks', name], report);
  checkRealClients(s, known, report);
  if (s.mutant !== undefined && MUTANTS[s.mutant].hook === 'lease' && (s.strategy !== 'owner' || s.compareStrategies !== undefined)) {
    report({ path: ['mutant'], message: `${s.mutant} breaks the owner strategy's leases: it needs strategy: owner (and no compareStrategies)` });
  }
  const layout = s.layout;
  const fanout = typeof layout === 'object' && layout.kind === 'fanout' ? fanoutDimensions(layout) : null;
  if (fanout && fanoutBits(fanout.width) * fanout.depth > FANOUT_KEY_BITS_MAX) {
    report({ path: ['layout', 'depth'], message: `width ${fanout.width} x depth ${fanout.depth} needs more than ${FANOUT_KEY_BITS_MAX} bits of the GUID hash` });
  }
  checkMinMax(s.workload?.messageSizeBytes, ['workload', 'messageSizeBytes'], report);
  checkLatency(s.network?.latencyMs, ['network', 'latencyMs'], report);
  const sites = s.network?.sites;
  if (sites) {
    checkGroups(sites.groups, known, ['network', 'sites', 'groups'], report);
    checkLatency(sites.latencyMs, ['network', 'sites', 'latencyMs'], report);
  }
  const sizeMax = s.workload?.messageSizeBytes?.max;
  const sizeLimit = s.limits?.messageSizeBytesMax;
  if (sizeMax !== undefined && sizeLimit !== undefined && sizeMax > sizeLimit) {
    report({ path: ['workload', 'messageSizeBytes', 'max'], message: `exceeds limits.messageSizeBytesMax (${sizeLimit})` });
  }
}

// The cross-field checks run only on a file whose fields are each valid (zod runs a plain
// superRefine even after field errors, and a count such as servers: 1e20 must not reach them).
export const scenarioSchema = baseSchema.superRefine((s, ctx) => {
  if (ctx.issues.length > 0) return;
  checkScenario(s, (issue) => ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message }));
});
