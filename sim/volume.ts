/**
 * A fresh in-memory volume for one simulated server. Its process view is fixed:
 * owner 0, cwd `/`, no environment. A volume asks its process for the uid on every path
 * walk; answering from a constant keeps the host's uid out of the simulation and costs
 * nothing, where a real getuid(2) per walk was a fifth of a cluster run's time.
 */
import { Volume, createFsFromVolume } from 'memfs';
import type { PromisesFsLike } from '../core/fsTypes.ts';
import { ObjectVolume } from './objectVolume.ts';

const FIXED_PROCESS = {
  getuid: () => 0,
  getgid: () => 0,
  cwd: () => '/',
  platform: 'linux',
  emitWarning: () => undefined,
  env: {},
};

/** A server's volume: loose objects in maps (sim/objectVolume.ts), everything else on memfs. */
export function newVolumeFs(): PromisesFsLike {
  return new ObjectVolume(createFsFromVolume(Volume.fromJSON({}, '/', { process: FIXED_PROCESS })).promises as unknown as PromisesFsLike);
}
