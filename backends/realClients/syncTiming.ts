/**
 * Wall and CPU time of one real-client sync by phase, for `mailsim bench clients`: writing the
 * server's Maildir, the program with Dovecot behind its tunnel, reading back. Never enters the
 * history: the simulator's virtual time stands still while a sync runs.
 */
import { performance } from 'node:perf_hooks';
import type { RealClientKind } from '../../sim/realClientTypes.ts';
import { childCpuMs } from './childCpu.ts';

export interface SyncTiming {
  readonly kind: RealClientKind;
  /** Messages the server's INBOX showed the program. */
  readonly messageCount: number;
  /** Writing the replica's INBOX into the server's Maildir. */
  readonly presentMs: number;
  /** The program, with Dovecot behind its tunnel. */
  readonly programMs: number;
  /** Reading both Maildirs back and the diff. */
  readonly readBackMs: number;
  readonly totalMs: number;
  /** CPU of the program and Dovecot (./childCpu.ts); null where it cannot be read. */
  readonly programCpuMs: number | null;
  /** CPU of this process writing the server's Maildir and reading back. */
  readonly driverCpuMs: number;
}

const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;

/** Marks taken as a sync runs: made when it starts, told when the program starts and ends. */
export class SyncClock {
  private readonly startMs = performance.now();
  private readonly startCpu = process.cpuUsage();
  private programStartMs = Number.NaN;
  private programEndMs = Number.NaN;
  private presentCpuMs = Number.NaN;
  private readBackStartCpu = process.cpuUsage();
  private childStartMs: number | null = null;
  private childEndMs: number | null = null;

  programStarts(): void {
    this.programStartMs = performance.now();
    this.presentCpuMs = cpuMs(process.cpuUsage(this.startCpu));
    this.childStartMs = childCpuMs();
  }

  programEnds(): void {
    this.childEndMs = childCpuMs();
    this.programEndMs = performance.now();
    this.readBackStartCpu = process.cpuUsage();
  }

  done(kind: RealClientKind, messageCount: number): SyncTiming {
    const endMs = performance.now();
    return {
      kind, messageCount,
      presentMs: this.programStartMs - this.startMs, programMs: this.programEndMs - this.programStartMs, readBackMs: endMs - this.programEndMs, totalMs: endMs - this.startMs,
      programCpuMs: this.childStartMs === null || this.childEndMs === null ? null : this.childEndMs - this.childStartMs,
      driverCpuMs: this.presentCpuMs + cpuMs(process.cpuUsage(this.readBackStartCpu)),
    };
  }
}
