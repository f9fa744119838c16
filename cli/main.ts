// The mailsim entry point (cli/bin.mjs and `npm start` load it): runs the CLI and sets the exit code.
import './fixedIds.ts';
import { readFileSync } from 'node:fs';
import { runCli } from './commands/program.ts';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
process.exitCode = await runCli(process.argv.slice(2), packageJson.version);
