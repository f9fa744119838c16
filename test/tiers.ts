/**
 * The two test tiers (vitest.config.ts): `npm run test:fast` runs every test file except the
 * slow ones below, in-process; `npm test` runs both. A file is slow when it starts a child
 * process (git, python3, Dovecot, Chromium, npm, tsx) or runs whole simulated clusters for
 * seconds. The fast tier refuses child processes (fastTier.setup.ts), so a file that needs one
 * and is missing here fails there instead of hiding.
 */
export const SLOW_TEST_FILES = [
  // A child mailsim process stopped by a signal.
  'test/cli/exitCleanup.test.ts',
  // Real Dovecot: IMAP sessions, dsync, the relay process dsync runs.
  'test/backends/dovecot/dsync.test.ts',
  'test/backends/dovecot/mailOps.test.ts',
  'test/backends/dovecot/relay.test.ts',
  'test/backends/dsyncBackend.test.ts',
  'test/cli/diff/diff.dsync.test.ts',
  // Real mbsync and offlineimap against Dovecot's imap.
  'test/backends/realClients/realClients.test.ts',
  // Real Cyrus IMAP: imapd, lmtpd, sync_client and sync_server, and the relay between them.
  'test/backends/cyrus/cyrusBackend.test.ts',
  'test/backends/cyrus/cyrusSyslog.test.ts',
  // Chromium.
  'test/**/*.browser.test.ts',
  // The CLI as a user runs it: node processes, npm pack and install.
  'test/e2e/*.test.ts',
  'test/docs/soakRecipes.test.ts',
  // `mailsim results` in-process: it asks git for the commit it stamps.
  'test/cli/commands/results.test.ts',
  // Real git and python3 read what mailsim wrote.
  'test/**/*.git.test.ts',
  'test/core/export.test.ts',
  'test/sim/crash.test.ts',
  // The same seed in separate processes gives the same history hash.
  'test/sim/determinism.test.ts',
  // Each checker's negative control: a simulated cluster run per mutant.
  'test/sim/checkers/controls.test.ts',
  'test/sim/checkers/completions.runs.test.ts',
  // Explore runs every schedule of the small library world, with and without a mutant.
  'test/sim/explore/explore.control.test.ts',
  // The planted bugs in the world: whole simulated cluster runs with and without each.
  'test/sim/plantedBugs.runs.test.ts',
  // Whole cluster runs under each disk fault.
  'test/sim/diskFaults.runs.test.ts',
] as const;
