/**
 * How reports name Dovecot dsync's byte figures, with where each came from: runs of real
 * Dovecot in this report (`replica: dsync`), or the constants measured once by hand.
 */
import { formatBytes, formatNumber } from './format.ts';
import type { ReportSummary } from './summary.ts';

/** Dovecot's figures with where each came from: this report's real runs, or the hand-measured constant. */
export function dsyncText(summary: ReportSummary): string {
  const d = summary.dsync;
  const source = (kind: 'measured' | 'hand-measured') => (kind === 'measured' ? `measured on ${formatNumber(d.runCount)} real run(s)` : 'hand-measured, Dovecot not run here');
  return `${formatBytes(d.bytesPerFlagChange)} per flag change (${source(d.flagSource)}) / ${formatBytes(d.bytesPerDelivery)} per delivery (${source(d.deliverySource)})`;
}
