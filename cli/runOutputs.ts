/**
 * `--history FILE` and `--finals FILE` of `mailsim run` and `mailsim replay`: the whole
 * history as JSON Lines and every replica's final state (docs/history-format.md). Both are
 * opened before the run, so bad paths fail at once, and written atomically after it.
 */
import { resolve } from 'node:path';
import { finalsDocument, finalsText, type FinalsOrigin } from '../reports/finalsFile.ts';
import { historyLines } from '../sim/history.ts';
import type { RunResult } from '../sim/resultTypes.ts';
import type { WorldOutcome } from '../sim/world.ts';
import { AtomicOutput, OutputFileError } from './outputFile.ts';

export interface RunOutputOptions {
  readonly history?: string;
  readonly finals?: string;
}

/** What was written, for the command's report. */
export interface RunOutputsWritten {
  readonly historyFile?: string;
  readonly historyRecordCount?: number;
  readonly finalsFile?: string;
  readonly finalsReplicaCount?: number;
}

export class RunOutputs {
  private readonly history: AtomicOutput | null;
  private readonly finals: AtomicOutput | null;

  private constructor(history: AtomicOutput | null, finals: AtomicOutput | null) {
    this.history = history;
    this.finals = finals;
  }

  static async open(options: RunOutputOptions): Promise<RunOutputs> {
    const { history, finals } = options;
    if (history !== undefined && finals !== undefined && resolve(history) === resolve(finals)) {
      throw new OutputFileError('--finals', finals, 'is the --history file too; give them different paths');
    }
    const historyOut = history === undefined ? null : await AtomicOutput.open('--history', history);
    try {
      return new RunOutputs(historyOut, finals === undefined ? null : await AtomicOutput.open('--finals', finals));
    } catch (error) {
      await historyOut?.discard();
      throw error;
    }
  }

  /** Writes the files asked for from a finished run. */
  async write(outcome: Pick<WorldOutcome, 'history' | 'finals'>, origin: FinalsOrigin): Promise<RunOutputsWritten> {
    let written: RunOutputsWritten = {};
    if (this.history !== null) {
      await this.history.commit(historyLines(outcome.history));
      written = { historyFile: this.history.path, historyRecordCount: outcome.history.length };
    }
    if (this.finals !== null) {
      await this.finals.commit([finalsText(finalsDocument(outcome.finals, origin))]);
      written = { ...written, finalsFile: this.finals.path, finalsReplicaCount: outcome.finals.length };
    }
    return written;
  }

  /** Removes what a run that never finished left behind. */
  async discard(): Promise<void> {
    await this.history?.discard();
    await this.finals?.discard();
  }
}

/** The report's lines for what was written: `history: FILE (N records)`, `finals: FILE (K replicas)`. */
export function describeWritten(written: RunOutputsWritten): string {
  const lines: string[] = [];
  if (written.historyFile !== undefined) lines.push(`history: ${written.historyFile} (${written.historyRecordCount} records)`);
  if (written.finalsFile !== undefined) lines.push(`finals: ${written.finalsFile} (${written.finalsReplicaCount} replicas)`);
  return lines.map((line) => `${line}\n`).join('');
}
/** The RunResult fields naming the files written. */
export function writtenFiles(written: RunOutputsWritten): Pick<RunResult, 'historyFile' | 'finalsFile'> {
  return {
    ...(written.historyFile === undefined ? {} : { historyFile: written.historyFile }),
    ...(written.finalsFile === undefined ? {} : { finalsFile: written.finalsFile }),
  };
}
