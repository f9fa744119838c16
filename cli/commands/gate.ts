/**
 * mailsim gate --baseline FILE [--update] [--bytes-threshold R] [--convergence-threshold R] RESULTS...
 * Compares results with a committed baseline seed by seed (reports/gate.ts decides) and
 * prints what changed. Exit 0 pass, 1 regression, 2 bad input. --update rewrites the baseline.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MailsimError } from '../../core/errors.ts';
import { baselineFromResults, DEFAULT_GATE_THRESHOLDS, formatGateTable, gate, parseBaseline, type GateThresholds } from '../../reports/gate.ts';
import { EXIT_AS_EXPECTED, EXIT_BAD_INPUT_OR_UNKNOWN, EXIT_NOT_AS_EXPECTED } from './exitCodes.ts';
import { readResults } from './report.ts';

export interface GateCommandOptions {
  baseline: string;
  update?: boolean;
  /** Allowed growth of bytes per operation as a ratio (0.1 = 10%). */
  bytesThreshold?: number;
  /** Allowed growth of convergence time as a ratio (0.2 = 20%). */
  convergenceThreshold?: number;
}

export async function gateCommand(files: string[], opts: GateCommandOptions): Promise<number> {
  try {
    if (files.length === 0) throw new MailsimError('E_NO_RESULTS', 'name at least one results file or directory', {});
    const read = await readResults(files);
    if (read.results.length === 0) throw new MailsimError('E_NO_RESULTS', `no run results found in ${files.join(', ')}`, { files });
    if (opts.update === true) {
      const baseline = baselineFromResults(read.results);
      await mkdir(dirname(opts.baseline), { recursive: true });
      await writeFile(opts.baseline, `${JSON.stringify(baseline, null, 2)}\n`);
      process.stdout.write(`gate: wrote ${Object.keys(baseline.entries).length} baseline entries to ${opts.baseline}\n`);
      return EXIT_AS_EXPECTED;
    }
    const baseline = parseBaseline(await readBaselineJson(opts.baseline));
    const thresholds: GateThresholds = {
      bytesPerOpRatio: opts.bytesThreshold ?? DEFAULT_GATE_THRESHOLDS.bytesPerOpRatio,
      convergenceTimeRatio: opts.convergenceThreshold ?? DEFAULT_GATE_THRESHOLDS.convergenceTimeRatio,
    };
    const result = gate(baseline, read.results, thresholds);
    process.stdout.write(`${formatGateTable(result)}\n`);
    return result.pass ? EXIT_AS_EXPECTED : EXIT_NOT_AS_EXPECTED;
  } catch (error) {
    if (!(error instanceof MailsimError)) throw error;
    process.stderr.write(`mailsim gate: ${error.message}\n`);
    return EXIT_BAD_INPUT_OR_UNKNOWN;
  }
}

async function readBaselineJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new MailsimError('E_BAD_BASELINE', `${path}: cannot read the baseline (create one on purpose with --update)`, { path });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MailsimError('E_BAD_BASELINE', `${path}: invalid JSON (${(error as Error).message})`, { path });
  }
}
