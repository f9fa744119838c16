// The mailsim entry point (cli/bin.mjs and `npm start` load it): runs the CLI and sets the exit code.
import './fixedIds.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './commands/program.ts';
import { installExitCleanup } from './exitCleanup.ts';
import { packageRoot } from './packageRoot.ts';

const packageJson = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
installExitCleanup();
process.exitCode = await runCli(process.argv.slice(2), packageJson.version);
