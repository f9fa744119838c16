/**
 * Registers `mailsim report` and `mailsim gate`, whose implementations come from the
 * reports side (cli/commands/report.ts, cli/commands/gate.ts).
 */
import type { Command } from 'commander';

type SetExit = (code: number) => void;

export function registerReportCommands(program: Command, setExit: SetExit): void {
  program
    .command('report')
    .description('merge sweep results (JSON Lines, shards too) into JSON, Markdown and HTML reports')
    .allowUnknownOption()
    .argument('[args...]')
    .action(async () => {
      setExit(2);
    });
  program
    .command('gate')
    .description('compare results with a baseline and fail on regressions')
    .allowUnknownOption()
    .argument('[args...]')
    .action(async () => {
      setExit(2);
    });
}
