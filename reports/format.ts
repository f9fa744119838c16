/**
 * Text helpers shared by the HTML, SVG, Markdown and gate renderers: escaping and
 * number formatting. Pure; no locale is consulted, so output is the same on every machine.
 */

/** Escapes text for HTML/SVG element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Escapes text for a Markdown table cell or inline text (pipes, backticks, angle brackets, newlines). */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/`/g, "'")
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\r\n]+/g, ' ');
}

/** Groups thousands with commas: 12345.6 -> "12,346" (digits = 0), "12,345.6" (digits = 1). */
export function formatNumber(value: number | null, digits = 0): string {
  if (value === null || !Number.isFinite(value)) return '–';
  const fixed = value.toFixed(digits);
  const [whole = '0', fraction] = fixed.split('.');
  const negative = whole.startsWith('-');
  const digitsOnly = negative ? whole.slice(1) : whole;
  const grouped = digitsOnly.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** Bytes with a unit: 49 B, 2.1 KB, 3.4 MB (1 KB = 1,000 B, as docs/facts.md writes its figures). */
export function formatBytes(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs < 1_000) return `${formatNumber(value, abs < 10 && abs % 1 !== 0 ? 1 : 0)} B`;
  if (abs < 1_000_000) return `${formatNumber(value / 1_000, 1)} KB`;
  return `${formatNumber(value / 1_000_000, 1)} MB`;
}

/** Durations of virtual time: 850 ms, 12.3 s, 4.5 min. */
export function formatMs(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs < 1_000) return `${formatNumber(value, 0)} ms`;
  if (abs < 60_000) return `${formatNumber(value / 1_000, 1)} s`;
  return `${formatNumber(value / 60_000, 1)} min`;
}

/** Signed relative change: +12.5%, -3.0%; null when the base is 0 or missing. */
export function formatRatioChange(before: number | null, after: number | null): string {
  if (before === null || after === null || before === 0) return '';
  const change = (after - before) / before;
  return `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`;
}
