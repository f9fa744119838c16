// Proves the planted bugs hooked into the world change a run: the small control world with the bug gives another history than without it (replication: a partition and its heal; recovery: a power loss after a restart).
import { describe, expect, it } from 'vitest';
import { runWorld } from '../../backends/world.ts';
import { controlWorldConfig } from './checkers/controlWorld.ts';

const RUN_TIMEOUT_MS = 600_000;
const SEED = 1;

/** The control world each needs: the recovery bug shows only when a restarted server loses power again. */
const WORLD_BUGS: Readonly<Record<string, Parameters<typeof controlWorldConfig>[2]>> = {
  'anti-entropy-skips-last-peer': {},
  'recovery-forgets-sync': { powerCrashes: true },
};

describe('planted bugs in the world change the run', () => {
  for (const [bug, options] of Object.entries(WORLD_BUGS)) {
    it(`${bug}: another history than the same world without it`, { timeout: RUN_TIMEOUT_MS }, async () => {
      const good = await runWorld(controlWorldConfig(SEED, null, options));
      const bad = await runWorld(controlWorldConfig(SEED, bug, options));
      expect(bad.historyHash).not.toBe(good.historyHash);
    });
  }

  it('the same world twice without a bug gives one history (negative control: the difference is the bug)', { timeout: RUN_TIMEOUT_MS }, async () => {
    const config = controlWorldConfig(SEED, null, { powerCrashes: true });
    expect((await runWorld(config)).historyHash).toBe((await runWorld(config)).historyHash);
  });
});
