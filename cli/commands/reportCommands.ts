/**
 * Registers `mailsim report` and `mailsim gate`, whose implementations come from the
 * reports side (cli/commands/report.ts, cli/commands/gate.ts).
 */
import { InvalidArgumentError, type Command } from 'commander';

type SetExit = (code: number) => void;

/** Upper bound on a regression threshold ratio (10 = +1000%). */
const THRESHOLD_RATIO_MAX = 10;

function parseRatio(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > THRESHOLD_RATIO_MAX) {
    throw new InvalidArgumentError(`expected a ratio between 0 and ${THRESHOLD_RATIO_MAX} (0.1 = 10%), got ${JSON.stringify(text)}`);
  }
  return value;
}

export function registerReportCommands(program: Command, setExit: SetExit): void {
  program
    .command('report')
    .description('merge run results (results.jsonl, --json outputs, shard folders) into HTML, Markdown and JSON reports')
    .argument('<results...>', 'result files (.json, .jsonl) or folders searched for them')
    .option('--html <file>', 'write the self-contained HTML report here')
    .option('--md <file>', 'write the Markdown summary here')
    .option('--json <file>', 'write the summary as JSON here')
    .addHelpText('after', '\nWith no output file named, the Markdown summary is printed.')
    .action(async (files: string[], options: { html?: string; md?: string; json?: string }) => {
      const { reportCommand } = await import('./report.ts');
      setExit(await reportCommand(files, options));
    });
  program
    .command('gate')
    .description('compare results with a baseline seed by seed; exit 1 on a new violation or a regression')
    .argument('<results...>', 'result files (.json, .jsonl) or folders searched for them')
    .requiredOption('--baseline <file>', 'the committed baseline (JSON)')
    .option('--update', 'rewrite the baseline from these results instead of comparing')
    .option('--bytes-threshold <ratio>', 'allowed growth of bytes per operation (default 0.1 = 10%)', parseRatio)
    .option('--convergence-threshold <ratio>', 'allowed growth of convergence time (default 0.2 = 20%)', parseRatio)
    .action(async (files: string[], options: { baseline: string; update?: boolean; bytesThreshold?: number; convergenceThreshold?: number }) => {
      const { gateCommand } = await import('./gate.ts');
      setExit(await gateCommand(files, options));
    });
}
