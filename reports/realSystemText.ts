/**
 * How reports name the real systems' byte figures, with where each came from: runs of the real
 * system in this report (`replica: dsync`, `replica: cyrus`), or constants measured once by hand.
 */
import { formatBytes, formatNumber } from './format.ts';
import type { RealSystemFigures } from './summary/realSystemFigures.ts';

/** One system's figures with where each came from. */
export function realSystemText(figures: RealSystemFigures): string {
  const source = (kind: 'measured' | 'hand-measured') => (kind === 'measured' ? `measured on ${formatNumber(figures.runCount)} real run(s)` : 'hand-measured, not run here');
  return `${figures.name} ${formatBytes(figures.bytesPerFlagChange)} per flag change (${source(figures.flagSource)}) / ${formatBytes(figures.bytesPerDelivery)} per delivery (${source(figures.deliverySource)})`;
}

/** Every real system's figures in one phrase. */
export function realSystemsText(all: readonly RealSystemFigures[]): string {
  return all.length === 0 ? 'no real system run here' : all.map(realSystemText).join('; ');
}
