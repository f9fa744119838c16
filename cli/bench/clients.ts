/**
 * mailsim bench clients: the wall time of one real-client sync (docs/real-clients.md, Cost).
 * One server with MESSAGES_IN_INBOX messages in INBOX, mail arriving about once a second, and
 * one user per program who flags, reads or deletes a message between syncs and syncs every
 * second of virtual time. Each sync is timed by phase (the driver's SyncTiming): writing the
 * server's Maildir, the program with Dovecot behind its tunnel, reading both Maildirs back.
 * The first sync downloads everything and is reported apart; the figure that matters is the
 * median of the others (target: REAL_CLIENT_SYNC_MS_TARGET for mbsync). Wall time moves with the machine's
 * load, so the CPU per sync (the program's and Dovecot's, and mailsim's own) is reported beside it.
 */
import { loadavg } from 'node:os';
import { gitBackend } from '../../backends/git/gitBackend.ts';
import { realClientInstalled } from '../../backends/realClients/clientPrograms.ts';
import { createRealClientRun } from '../../backends/realClients/realClientDriver.ts';
import type { SyncTiming } from '../../backends/realClients/syncTiming.ts';
import { parseScenarioText } from '../../scenarios/loader.ts';
import { resolveScenario } from '../../scenarios/resolve.ts';
import { REAL_CLIENT_KINDS, type RealClientKind } from '../../sim/realClientTypes.ts';
import { simulate } from '../../sim/world.ts';
import { REAL_CLIENT_SYNC_MS_TARGET } from './targets.ts';

const MESSAGES_IN_INBOX = 100;
/** Syncs per program after the first: one a second of virtual time. */
const SYNCS_FULL = 20;
const SYNCS_QUICK = 8;

/** The bench's world: one server, steady deliveries, one user of `kind` editing between syncs. */
function benchScenarioText(kind: RealClientKind, syncs: number): string {
  const syncAtMs = Array.from({ length: syncs + 1 }, (_, i) => 1000 * (i + 1));
  const edits = syncAtMs.slice(0, -1).map((atMs) => `{at: ${atMs + 500}}`);
  return [
    `name: bench-clients-${kind}`,
    'servers: [A]',
    `mailboxes: [{name: INBOX, messages: ${MESSAGES_IN_INBOX}}]`,
    'workload: {smtpClients: 1, imapClients: 0, ratesPerSec: {deliver: 1, store: 0, expunge: 0, move: 0, copy: 0, append: 0, select: 0}, messageSizeBytes: {min: 400, max: 4000}, keywords: []}',
    'nemesis: false',
    `realClients: [{kind: ${kind}, server: A, syncAtMs: [${syncAtMs.join(', ')}], edits: [${edits.join(', ')}]}]`,
    `durationMs: ${1000 * (syncs + 2)}`,
    'expect: valid',
    '',
  ].join('\n');
}

interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (ms: number | undefined): number => Math.round((ms ?? Number.NaN) * 10) / 10;
  return { median: round(sorted[Math.floor(sorted.length / 2)]), min: round(sorted[0]), max: round(sorted.at(-1)) };
}

interface ClientSyncFigures {
  readonly kind: RealClientKind;
  readonly messages: number;
  readonly syncs: number;
  readonly firstSyncMs: number;
  readonly syncMs: Spread;
  readonly presentMs: Spread;
  readonly programMs: Spread;
  readonly readBackMs: Spread;
  /** Mean CPU ms per sync of the program with Dovecot (null where it cannot be read) and of mailsim's own part: unlike wall time, barely moved by other load. */
  readonly programCpuMs: number | null;
  readonly driverCpuMs: number;
  readonly verdict: string;
}

function mean(values: readonly number[]): number {
  return Math.round((values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)) * 10) / 10;
}

async function benchOne(kind: RealClientKind, syncs: number): Promise<ClientSyncFigures> {
  const config = resolveScenario(parseScenarioText(benchScenarioText(kind, syncs), `bench-clients-${kind}`), 1);
  const timings: SyncTiming[] = [];
  const driver = await createRealClientRun(config.realClients ?? [], { onSyncTimed: (timing) => timings.push(timing) });
  try {
    const outcome = await simulate(config, gitBackend, { realClientDriver: driver });
    const rest = timings.slice(1);
    return {
      kind, messages: timings[0]?.messageCount ?? 0, syncs: rest.length, firstSyncMs: Math.round(timings[0]?.totalMs ?? Number.NaN),
      syncMs: spread(rest.map((t) => t.totalMs)), presentMs: spread(rest.map((t) => t.presentMs)),
      programMs: spread(rest.map((t) => t.programMs)), readBackMs: spread(rest.map((t) => t.readBackMs)),
      programCpuMs: rest.some((t) => t.programCpuMs === null) ? null : mean(rest.map((t) => t.programCpuMs ?? 0)),
      driverCpuMs: mean(rest.map((t) => t.driverCpuMs)),
      verdict: outcome.verdict,
    };
  } finally {
    await driver.dispose();
  }
}

function line(f: ClientSyncFigures): string {
  const s = (v: Spread): string => `${v.median} (${v.min}-${v.max})`;
  return `  ${f.kind.padEnd(11)} ${f.messages} messages, ${f.syncs} syncs after the first (${f.firstSyncMs} ms): ${s(f.syncMs)} ms per sync; `
    + `of which server Maildir ${s(f.presentMs)}, program ${s(f.programMs)}, read back ${s(f.readBackMs)}; `
    + `CPU per sync: program and Dovecot ${f.programCpuMs ?? '-'} ms, mailsim ${f.driverCpuMs} ms; run ${f.verdict}\n`;
}

export async function runClientsBench(options: { json: boolean; quick?: boolean }): Promise<Record<string, unknown>> {
  const kinds = REAL_CLIENT_KINDS.filter((kind) => realClientInstalled(kind));
  const missing = REAL_CLIENT_KINDS.filter((kind) => !kinds.includes(kind));
  if (!options.json && missing.length > 0) process.stdout.write(`bench clients: SKIPPED ${missing.join(', ')}, not installed (apt-get install isync offlineimap3)\n`);
  const syncs = options.quick === true ? SYNCS_QUICK : SYNCS_FULL;
  const figures: ClientSyncFigures[] = [];
  for (const kind of kinds) figures.push(await benchOne(kind, syncs));
  const load = loadavg()[0] ?? 0;
  if (!options.json) {
    process.stdout.write(`bench clients: median wall ms per sync (fastest-slowest), load ${load.toFixed(1)}; target ${REAL_CLIENT_SYNC_MS_TARGET} ms for mbsync\n`);
    for (const f of figures) process.stdout.write(line(f));
  }
  const skipped = kinds.length === 0 ? { skipped: 'neither mbsync nor offlineimap is installed' } : {};
  return { byClient: Object.fromEntries(figures.map((f) => [f.kind, f])), syncMsTarget: REAL_CLIENT_SYNC_MS_TARGET, notInstalled: missing, loadAverage: load, ...skipped };
}
