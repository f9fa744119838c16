import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeTempRoot, removeLiveTempRootsSync, removeTempRoot } from '../../backends/tempRoots.ts';

describe('temporary folders of real programs', () => {
  it('a run removes its own folder; what is still live goes at exit', async () => {
    const done = await makeTempRoot('mailsim-test-');
    await removeTempRoot(done);
    expect(existsSync(done)).toBe(false);
    const live = await makeTempRoot('mailsim-test-');
    expect(removeLiveTempRootsSync()).toEqual([]);
    expect(existsSync(live)).toBe(false);
  });

  it('a process stopped by SIGTERM removes its live folders and exits 143', () => {
    // The child makes a folder as a real backend would, then is stopped before it disposes of it.
    const script = [
      "const { installExitCleanup } = await import('./cli/exitCleanup.ts');",
      "const { makeTempRoot } = await import('./backends/tempRoots.ts');",
      'installExitCleanup();',
      "const root = await makeTempRoot('mailsim-test-');",
      'console.log(root);',
      "process.kill(process.pid, 'SIGTERM');",
      'await new Promise((resolve) => setTimeout(resolve, 5000));',
    ].join('\n');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    const root = child.stdout.trim();
    expect(root).toMatch(/mailsim-test-/);
    expect(child.status).toBe(143);
    expect(existsSync(root)).toBe(false);
  });
});
