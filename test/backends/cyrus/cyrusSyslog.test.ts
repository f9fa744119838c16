// Proves a failed Cyrus program is reported with what Cyrus logged: Cyrus logs only through
// syslog, the preloaded shim sends an instance's lines to its own file, and the error quotes
// them. The control: the same failure with nothing captured quotes no syslog.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect } from 'vitest';
import { cyrusInstalled, cyrusSyslogShimPath } from '../../../backends/cyrus/cyrusEnv.ts';
import { createCyrusHome } from '../../../backends/cyrus/cyrusHome.ts';
import { openCyrusImap } from '../../../backends/cyrus/cyrusImap.ts';
import { CyrusFailedError } from '../../../backends/cyrus/cyrusErrors.ts';
import { whenInstalled } from '../realBackendRuns.ts';

const onCyrus = whenInstalled(cyrusInstalled() && existsSync(cyrusSyslogShimPath()), 'Cyrus with its syslog shim (.ci/install-cyrus)', 'the Cyrus syslog test');

let root: string | null = null;
afterEach(async () => {
  if (root !== null) await rm(root, { recursive: true, force: true });
  root = null;
});

async function brokenHome() {
  root = await mkdtemp(join(tmpdir(), 'mailsim-cyrus-syslog-'));
  const home = await createCyrusHome(root, 'n1', []);
  // An instance whose config file is gone: imapd logs why it stops to syslog only.
  await rm(home.conf);
  return home;
}

describe('Cyrus syslog in failures', () => {
  onCyrus('an imapd that cannot start is reported with the lines it logged', async () => {
    const home = await brokenHome();
    const error = await openCyrusImap(home).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CyrusFailedError);
    expect((error as CyrusFailedError).message).toContain('syslog of n1:');
    expect((error as CyrusFailedError).data.syslog).toContain("can't open configuration file");
  }, 30_000);

  onCyrus('control: when the lines cannot reach the file, the same failure quotes no syslog', async () => {
    const home = await brokenHome();
    // The shim cannot create a file in a folder that does not exist, so nothing is captured.
    const error = await openCyrusImap({ ...home, syslog: join(root as string, 'nowhere', 'syslog') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CyrusFailedError);
    expect((error as CyrusFailedError).message).not.toContain('syslog of');
  }, 30_000);
});
