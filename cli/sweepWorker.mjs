// Worker-thread bootstrap for sweeps: registers tsx, then loads the TypeScript worker.
// (On Node 20, `new Worker(tsFile, { execArgv: ['--import', 'tsx'] })` fails with
// ERR_UNKNOWN_FILE_EXTENSION; registering from a JavaScript entry works.)
import { register } from 'tsx/esm/api';

register();
await import('./sweepWorker.ts');
