/**
 * Where chart labels go without drawing over each other. A pure function has no font metrics,
 * so widths are estimated per character from DejaVu Sans, one of the widest common sans fonts
 * (what headless Chromium on Linux falls back to): narrower fonts only leave more room.
 * Boxes are in SVG user units, y down, as the text is drawn (rotation included).
 */
import { assert } from '../core/errors.ts';

/** Glyph extents around the baseline, in em (DejaVu Sans; browsers box text by ascent and descent). */
export const ASCENT_EM = 0.93;
export const DESCENT_EM = 0.24;
/** Bold text is about this much wider. */
const BOLD_FACTOR = 1.08;
/** Space kept between two labels, in user units. */
export const LABEL_GAP = 3;
/** Lines a category label may wrap onto before the chart turns it instead. */
export const LABEL_LINES_MAX = 3;

const NARROW = new Set([...' .,:;·|\'!ijl']);
const SEMI = new Set([...'ftr()[]-/I"']);
const WIDE_LOWER = new Set([...'mw']);
const WIDE_UPPER = new Set([...'MW%×≥≤—']);
const DEFAULT_EM = 1;

function charEm(char: string): number {
  if (NARROW.has(char)) return 0.32;
  if (SEMI.has(char)) return 0.4;
  if (WIDE_LOWER.has(char)) return 0.98;
  if (WIDE_UPPER.has(char)) return 1;
  if (/[0-9]/.test(char)) return 0.64;
  if (/[a-z]/.test(char)) return 0.63;
  if (/[A-Z]/.test(char)) return 0.74;
  if (/[–_<>=+~*&#?$^]/.test(char)) return 0.84;
  return DEFAULT_EM; // anything else (accented, CJK, symbols): assume a full em
}

/** Estimated advance width of `text` at `fontSize`, in user units (never narrower than DejaVu Sans draws it). */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const char of text) em += charEm(char);
  return em * fontSize * (bold ? BOLD_FACTOR : 1);
}

export interface Box { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number }

export type Anchor = 'start' | 'middle' | 'end';

/** Box of one horizontal line of text drawn at (x, baseline y). */
export function textBox(text: string, x: number, y: number, fontSize: number, anchor: Anchor, bold = false): Box {
  const width = textWidth(text, fontSize, bold);
  const left = anchor === 'start' ? x : anchor === 'middle' ? x - width / 2 : x - width;
  return { left, right: left + width, top: y - ASCENT_EM * fontSize, bottom: y + DESCENT_EM * fontSize };
}

/** Box of a line turned -90° about (x, y): it reads upwards; 'start' begins at y, 'end' finishes at y. */
export function upwardTextBox(text: string, x: number, y: number, fontSize: number, anchor: Anchor): Box {
  const width = textWidth(text, fontSize);
  const low = anchor === 'start' ? y : anchor === 'middle' ? y + width / 2 : y + width;
  return { left: x - ASCENT_EM * fontSize, right: x + DESCENT_EM * fontSize, top: low - width, bottom: low };
}

export function boxesOverlap(a: Box, b: Box, gap = LABEL_GAP): boolean {
  return a.left < b.right + gap && b.left < a.right + gap && a.top < b.bottom + gap && b.top < a.bottom + gap;
}

/** True when `inner` lies within `outer`. */
export function boxInside(inner: Box, outer: Box): boolean {
  return inner.left >= outer.left && inner.right <= outer.right && inner.top >= outer.top && inner.bottom <= outer.bottom;
}

/** Boxes already drawn in one chart; a label is drawn only where it meets none of them. */
export class LabelSpace {
  private readonly boxes: Box[] = [];

  constructor(private readonly frame: Box) {}

  /** Takes the box when it is free and within the chart; says whether it did. */
  claim(box: Box): boolean {
    if (!boxInside(box, this.frame) || this.boxes.some((taken) => boxesOverlap(taken, box))) return false;
    this.boxes.push(box);
    return true;
  }

  /** Takes a box that must be drawn whatever it meets (axis titles, legend): later labels keep clear of it. */
  reserve(box: Box): void {
    this.boxes.push(box);
  }
}

/**
 * Splits a label into lines no wider than `maxWidth`, breaking after spaces and hyphens
 * ("fanout-256x2 batched" -> "fanout-256x2", "batched"); null when it needs more than
 * `linesMax` lines or one unbreakable piece is too wide.
 */
export function wrapLabel(text: string, maxWidth: number, fontSize: number, linesMax = LABEL_LINES_MAX): string[] | null {
  const pieces = text.match(/[^\s-]+-?|\s+/g) ?? [];
  const lines: string[] = [];
  let line = '';
  for (const piece of pieces) {
    const candidate = line + piece;
    if (line === '' || textWidth(candidate.trimEnd(), fontSize) <= maxWidth) { line = candidate; continue; }
    lines.push(line.trim());
    line = piece.trimStart();
  }
  if (line.trim() !== '') lines.push(line.trim());
  if (lines.length > linesMax || lines.some((part) => textWidth(part, fontSize) > maxWidth)) return null;
  return lines;
}

/**
 * Indexes of the labels to draw out of `count` evenly spaced ones `spacing` apart, each up to
 * `width` wide along the axis: the first and every `step`-th after it, with step just large
 * enough that drawn neighbours keep a gap.
 */
export function thinnedIndexes(count: number, spacing: number, width: number): number[] {
  assert(count >= 0, 'a label count is never negative');
  const step = spacing <= 0 ? Math.max(1, count) : Math.max(1, Math.ceil((width + LABEL_GAP) / spacing));
  const kept: number[] = [];
  for (let index = 0; index < count; index += step) kept.push(index);
  return kept;
}
