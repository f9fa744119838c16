/**
 * Whether this machine can run a replica backend: the reference replica always can; a real
 * one needs its programs (Dovecot from Debian's packages, Cyrus unpacked by .ci/install-cyrus).
 */
import type { ReplicaKind } from '../sim/replicaKinds.ts';
import { dovecotInstalled } from './dovecot/dovecotEnv.ts';
import { cyrusInstalled } from './cyrus/cyrusEnv.ts';

export function backendInstalled(kind: ReplicaKind): boolean {
  switch (kind) {
    case 'git':
      return true;
    case 'dsync':
    case 'dsync-plain':
      return dovecotInstalled();
    case 'cyrus':
      return cyrusInstalled();
  }
}

/** How to install what `kind` needs, for the loud line of a skipped run. */
export function installHint(kind: ReplicaKind): string {
  if (kind === 'cyrus') return 'Cyrus is not installed here (run .ci/install-cyrus, or set MAILSIM_CYRUS_DIR)';
  return 'Dovecot is not installed here (apt-get install dovecot-core dovecot-imapd)';
}
