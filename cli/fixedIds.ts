/**
 * Imported first by the CLI entry and by every sweep worker. memfs (@jsonjoy.com/fs-core) asks
 * the kernel for the uid and gid on every file node it creates and on every permission check,
 * through the global process; the answers cannot change while mailsim runs, so they are read
 * once here. getuid(2) was a tenth of a cluster run's time. The simulated volumes already
 * answer from a constant (sim/volume.ts); this covers the calls that bypass it.
 */
const uid = process.getuid?.();
const gid = process.getgid?.();
if (uid !== undefined) process.getuid = () => uid;
if (gid !== undefined) process.getgid = () => gid;

export {};
