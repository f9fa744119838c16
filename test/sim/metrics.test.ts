// Proves the run metrics count what the report says they count: a renumbered message once, however many replicas rebound it.
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../sim/metrics.ts';

describe('Metrics.renumberedMessageCount', () => {
  it('counts a message once when replicas rebind it to another UID, and not for a repeat or a new UIDVALIDITY', async () => {
    const metrics = new Metrics();
    const bind = (uid: number, uidValidity = 7, guid = 'g1') => metrics.bound({ mailbox: 'INBOX', uidValidity, uid, guid }, 0);
    bind(6);
    bind(6);
    expect(metrics.renumberedMessageCount).toBe(0);
    bind(9);
    bind(9);
    bind(10);
    expect(metrics.renumberedMessageCount).toBe(1);
    bind(1, 8);
    bind(6, 7, 'g2');
    expect(metrics.renumberedMessageCount).toBe(1);
  });
});
