// mailsim diff on real Dovecot: the reference replica and dsync run the Cassandane split-brain
// case on one seed, and every difference between them has a class.
import { describe, expect, it } from 'vitest';
import { dovecotInstalled } from '../../../backends/dovecot/dovecotHome.ts';
import { diffSeed } from '../../../cli/diff/runDiff.ts';

const installed = dovecotInstalled();
if (!installed) {
  if (process.env.CI === 'true') throw new Error('Dovecot (dovecot-core, dovecot-imapd) is missing on CI');
  console.warn('SKIPPED LOUDLY: Dovecot is not installed; mailsim diff against real Dovecot did not run');
}
const onDovecot = installed ? it : it.skip;

describe('mailsim diff: git vs dsync', () => {
  onDovecot('split-brain-same-uid: the same workload, both new messages kept and renumbered on both, every difference classed', async () => {
    const diff = await diffSeed({ file: 'scenarios/split-brain-same-uid.yaml', seed: 1, replicas: ['git', 'dsync'], overrides: [] });
    expect(diff.runs.map((run) => [run.replica, run.verdict, run.workloadPartsAt])).toEqual([['git', 'valid', null], ['dsync', 'valid', null]]);
    expect(diff.runs[1]?.replayCommand).toBe('mailsim run scenarios/split-brain-same-uid.yaml --seed 1 --set replica=dsync');
    const [pair] = diff.pairs;
    expect(pair?.differences.every((d) => d.diffClass !== null)).toBe(true);
    // Only the order of the two renumbered messages may differ: it follows each backend's GUIDs.
    expect(new Set(pair?.differences.map((d) => `${d.difference.kind} ${d.diffClass}`))).toSatisfy((kinds: Set<string>) => [...kinds].every((k) => k === 'uid-order renumber-order'));
  }, 120_000);
});
