// Proves the chart label helpers keep labels apart: widths grow with text, wrapping breaks at spaces and hyphens, thinning keeps neighbours clear, a taken box refuses a second label.
import { describe, expect, it } from 'vitest';
import { LABEL_GAP, LabelSpace, textBox, textWidth, thinnedIndexes, upwardTextBox, wrapLabel } from '../../reports/chartText.ts';

describe('chart label helpers', () => {
  it('estimates wider text wider, digits wider than dots, bold wider than regular', () => {
    expect(textWidth('dsync-plain (real)', 12)).toBeGreaterThan(textWidth('dsync (real)', 12));
    expect(textWidth('000', 12)).toBeGreaterThan(textWidth('...', 12));
    expect(textWidth('n1', 12, true)).toBeGreaterThan(textWidth('n1', 12));
    expect(textWidth('fanout-4x6', 24)).toBeCloseTo(2 * textWidth('fanout-4x6', 12));
  });

  it('wraps after spaces and hyphens, and gives up when a piece or the line count does not fit', () => {
    const wide = textWidth('fanout-256x2', 12) + 1;
    expect(wrapLabel('flat', wide, 12)).toEqual(['flat']);
    expect(wrapLabel('fanout-256x2 batched', wide, 12)).toEqual(['fanout-256x2', 'batched']);
    expect(wrapLabel('fanout-256x2 batched', textWidth('batched', 12) + 1, 12)).toEqual(['fanout-', '256x2', 'batched']);
    expect(wrapLabel('fanout-256x2 batched', textWidth('fanout', 12), 12)).toBeNull();
    expect(wrapLabel('a b c d', textWidth('a', 12) + 1, 12, 3)).toBeNull();
  });

  it('thins labels so that drawn neighbours keep a gap, always starting at the first', () => {
    expect(thinnedIndexes(5, 100, 40)).toEqual([0, 1, 2, 3, 4]);
    expect(thinnedIndexes(7, 20, 30)).toEqual([0, 2, 4, 6]);
    expect(thinnedIndexes(4, 20, 20 - LABEL_GAP)).toEqual([0, 1, 2, 3]);
    expect(thinnedIndexes(4, 0, 10)).toEqual([0]);
    expect(thinnedIndexes(0, 10, 10)).toEqual([]);
  });

  it('refuses a box that meets a taken or reserved one, or leaves the frame', () => {
    const space = new LabelSpace({ left: 0, top: 0, right: 200, bottom: 100 });
    expect(space.claim(textBox('3.1 KB', 50, 50, 10, 'middle'))).toBe(true);
    expect(space.claim(textBox('3.1 KB', 60, 52, 10, 'middle'))).toBe(false);
    expect(space.claim(textBox('3.1 KB', 150, 50, 10, 'middle'))).toBe(true);
    expect(space.claim(textBox('off the edge', 195, 50, 10, 'start'))).toBe(false);
    space.reserve(textBox('legend', 10, 12, 12, 'start'));
    expect(space.claim(textBox('x', 20, 14, 10, 'start'))).toBe(false);
    const upward = upwardTextBox('2.9 KB', 100, 90, 10, 'start');
    expect(upward.bottom).toBe(90);
    expect(upward.top).toBeCloseTo(90 - textWidth('2.9 KB', 10));
    expect(upward.right - upward.left).toBeLessThan(12);
  });
});
