/**
 * The self-contained HTML report: one file, inline CSS and inline SVG, no external URL
 * of any kind. Order: verdict banner, strategy table, efficiency, convergence, verdicts
 * (per scenario and per checker, each failure with its replay command), timelines.
 * Pure: ReportSummary in, HTML string out; every piece of text from results is escaped.
 */
import { STRATEGY_NAMES } from '../core/strategies/registry.ts';
import { escapeHtml, formatBytes, formatMs, formatNumber } from './format.ts';
import { realSystemsText } from './realSystemText.ts';
import { JUDGED_HTML_HEAD, judgedHtmlRows } from './judgedTable.ts';
import { sizeRank, type EfficiencyRow, type FailureRow, type ReportSummary, type ScenarioRow, type StrategyRow, type TimelineRun, type VerdictCounts } from './summary.ts';
import { barChart, cdfChart, TIMELINE_OPS_DRAWN_MAX, timelineChart } from './svg.ts';

export interface HtmlOptions {
  readonly title?: string;
  /** Shown in the header; the caller supplies it (reports never read the clock). */
  readonly generatedAt?: string;
}

/** Colours of the registered strategies, in registry order (core/strategies/registry.ts). */
const STRATEGY_PALETTE = ['#1565c0', '#2e7d32', '#6a1b9a', '#c62828', '#ef6c00', '#ad1457'];
export const STRATEGY_COLORS: Readonly<Record<string, string>> = Object.fromEntries(STRATEGY_NAMES.map((name, index) => [name, STRATEGY_PALETTE[index % STRATEGY_PALETTE.length] as string]));
/** Enough distinct colours that a chart's series (layouts...) rarely share one. */
const EXTRA_COLORS = ['#00838f', '#5d4037', '#455a64', '#9e9d24', '#283593', '#d81b60', '#7cb342', '#8e24aa', '#f4511e', '#00acc1'];
/** More layouts than this and the two efficiency charts take the full width, one above the other, so their labels have room. */
export const EFFICIENCY_PAIRED_LAYOUTS_MAX = 4;
const SERIES_COLORS = { measured: '#1565c0', minimum: '#43a047', git: '#ef6c00' };
/** One colour per real system, in REAL_SYSTEMS order (reports/summary/realSystemFigures.ts). */
const REAL_SYSTEM_COLORS = ['#9e9e9e', '#8e24aa'];

export function strategyColor(name: string, index: number): string {
  return STRATEGY_COLORS[name] ?? EXTRA_COLORS[index % EXTRA_COLORS.length] ?? '#555';
}

const CSS = `
:root{--ok:#2e7d32;--bad:#c62828;--warn:#ef8f00;--muted:#666;--line:#e3e3e3;--bg:#fff;--ink:#1d1d1f}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#f5f6f8}
main{max-width:1120px;margin:0 auto;padding:24px 28px 64px;background:var(--bg);min-height:100vh}
h1{font-size:26px;margin:0 0 2px}h2{font-size:20px;margin:36px 0 10px;padding-top:8px;border-top:1px solid var(--line)}
h3{font-size:16px;margin:22px 0 6px}
.meta,.note{color:var(--muted);font-size:13px}
nav{margin:10px 0 0;font-size:14px}nav a{margin-right:14px}
a{color:#0b57d0;text-decoration:none}a:hover{text-decoration:underline}
.banner{margin:18px 0 6px;padding:16px 20px;border-radius:10px;font-size:18px;font-weight:600;display:flex;gap:28px;flex-wrap:wrap;align-items:baseline}
.banner.pass{background:#e8f5e9;border:1px solid #a5d6a7;color:#1b5e20}
.banner.fail{background:#ffebee;border:1px solid #ef9a9a;color:#8e0000}
.banner .big{font-size:26px}.banner small{font-weight:400;font-size:14px;color:#333}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}
th,td{padding:5px 7px;border-bottom:1px solid var(--line);text-align:right;vertical-align:top;white-space:nowrap}
th{background:#f0f2f5;font-weight:600;white-space:normal;vertical-align:bottom;line-height:1.25}
.scroll{overflow-x:auto}
th:first-child,td:first-child,td.l,th.l{text-align:left}
th.c,td.c{text-align:center;padding:5px 4px}
tr.control td:first-child::after{content:" control";font-size:11px;color:var(--muted);font-weight:400}
.bad{color:var(--bad);font-weight:600}.good{color:var(--ok)}.warn{color:var(--warn);font-weight:600}.muted{color:var(--muted)}
td.cell-ok{background:#f1f8f1;color:var(--ok)}td.cell-bad{background:#fdecea;color:var(--bad);font-weight:600}
td.cell-exp{background:#fff4e0;color:#8a5300}td.cell-unk{background:#fff8d6;color:#7a5d00}td.cell-none{color:#bbb}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:0}
code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f3f3f3;padding:2px 5px;border-radius:4px}
code.cmd{display:inline-block;user-select:all;white-space:pre-wrap;word-break:break-all;max-width:100%}
.failure{border:1px solid var(--line);border-left:4px solid var(--bad);border-radius:6px;padding:10px 14px;margin:10px 0}
.failure h3{margin:0 0 4px}
.failure ul{margin:4px 0 6px 18px;padding:0}
button.copy{font-size:12px;margin-left:6px;padding:1px 8px;border:1px solid #bbb;border-radius:4px;background:#fff;cursor:pointer}
.chart{max-width:100%;height:auto;display:block;margin:4px 0}
figure{margin:12px 0}figcaption{font-weight:600;font-size:14px}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:16px}
@media (max-width:900px){.charts{grid-template-columns:1fr}main{padding:16px 14px 48px}}
.timeline{margin:18px 0 28px}
.stats{display:flex;gap:24px;flex-wrap:wrap;margin:6px 0 4px;font-size:14px}
.stats b{font-size:18px;display:block}
`;

const SCRIPT = `document.addEventListener('click',function(e){var b=e.target;if(!(b instanceof HTMLButtonElement)||!b.classList.contains('copy'))return;var c=document.getElementById(b.getAttribute('data-for')||'');if(!c)return;var t=c.textContent||'';var done=function(){b.textContent='copied';};if(navigator.clipboard&&navigator.clipboard.writeText){navigator.clipboard.writeText(t).then(done,function(){});}else{var s=window.getSelection();var r=document.createRange();r.selectNodeContents(c);if(s){s.removeAllRanges();s.addRange(r);}}});`;

/** Renders the whole report as one HTML document. */
export function renderHtml(summary: ReportSummary, options: HtmlOptions = {}): string {
  const title = options.title ?? 'mailsim report';
  const body = [
    header(summary, title, options.generatedAt),
    banner(summary),
    section('strategies', 'Strategies', strategySection(summary)),
    ...(summary.price.length === 0 ? [] : [section('price', 'The price of stable UIDs', priceSection(summary))]),
    ...(summary.realClients.length === 0 ? [] : [section('real-clients', 'What real mail clients lose', realClientSection(summary))]),
    section('efficiency', 'Efficiency', efficiencySection(summary)),
    section('convergence', 'Convergence', convergenceSection(summary)),
    section('verdicts', 'Verdicts', verdictSection(summary)),
    ...(summary.findings.length === 0 ? [] : [section('findings', 'Known findings in real systems', findingsSection(summary))]),
    section('timelines', 'Timelines', timelineSection(summary)),
  ].join('\n');
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>${escapeHtml(title)}</title><style>${CSS}</style></head>\n<body><main>\n${body}\n`
    + `<p class="meta">Self-contained report: nothing here was fetched from the network.</p></main><script>${SCRIPT}</script></body></html>\n`;
}

function section(id: string, title: string, content: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>\n${content}</section>`;
}

function header(summary: ReportSummary, title: string, generatedAt: string | undefined): string {
  const meta = [
    summary.mailsimVersions.length === 0 ? '' : `mailsim ${summary.mailsimVersions.map(escapeHtml).join(', ')}`,
    generatedAt === undefined ? '' : `generated ${escapeHtml(generatedAt)}`,
  ].filter((part) => part !== '').join(' · ');
  const links = [['strategies', 'Strategies'], ...(summary.price.length === 0 ? [] : [['price', 'Price of stable UIDs']]), ['efficiency', 'Efficiency'], ['convergence', 'Convergence'], ['verdicts', 'Verdicts'], ['timelines', 'Timelines']]
    .map(([id, label]) => `<a href="#${id}">${label}</a>`).join('');
  return `<header><h1>${escapeHtml(title)}</h1><div class="meta">${meta}</div><nav>${links}</nav></header>`;
}

function banner(summary: ReportSummary): string {
  const pass = summary.unexpectedCount === 0 && summary.conflicts.length === 0;
  const v = summary.verdicts;
  const extra: string[] = [];
  if (summary.duplicateCount > 0) extra.push(`${formatNumber(summary.duplicateCount)} duplicate results merged`);
  if (summary.conflicts.length > 0) extra.push(`<span class="bad">${formatNumber(summary.conflicts.length)} runs disagree across inputs (non-deterministic?)</span>`);
  return `<div class="banner ${pass ? 'pass' : 'fail'}" id="banner" data-runs="${summary.runCount}" data-unexpected="${summary.unexpectedCount}">`
    + `<span><span class="big">${formatNumber(summary.runCount)}</span> runs</span>`
    + `<span><span class="big">${formatNumber(summary.expectedCount)}</span> as expected</span>`
    + `<span><span class="big">${formatNumber(summary.unexpectedCount)}</span> unexpected</span>`
    + `<small>verdicts: ${formatNumber(v.valid)} valid · ${formatNumber(v.invalid)} invalid · ${formatNumber(v.unknown)} unknown`
    + `${extra.length === 0 ? '' : ` · ${extra.join(' · ')}`}</small></div>`
    + (summary.unexpectedCount > 0 ? `<p><a href="#failures">Jump to the ${formatNumber(summary.unexpectedCount)} unexpected runs and their replay commands</a></p>` : '');
}

function strategySection(summary: ReportSummary): string {
  if (summary.strategies.length === 0) return '<p class="muted">No runs.</p>';
  const head = ['strategy', 'runs', 'unexpected', 'UID\u2011stability violations', 'renumbered per 1k deliveries, partitioned', 'UIDVALIDITY resets',
    'merges per client commit', 'lost flags', 'visibility delay mean (max)', 'bytes / op', 'convergence median (p95)', 'never converged'];
  const rows = summary.strategies.map((row, index) => strategyRowHtml(row, index));
  return `<p class="note">One row per UID strategy. Controls (naive-git, lww-wallclock, keep-uids) are known-bad on purpose: their violations are expected and show the checkers work.</p>`
    + table(head, rows);
}

/** The price of stable UIDs: the same scenario under each strategy, side by side. */
function priceSection(summary: ReportSummary): string {
  if (summary.price.length === 0) return '';
  const head = ['scenario', 'strategy', 'runs', 'deliveries', 'deferred per 1k deliveries', 'visibility delay mean / p99 / max',
    'lease B/s per server', 'lease share of replication', 'renumbered per 1k deliveries', 'UIDVALIDITY resets'];
  const rows = summary.price.map((row) => {
    const cells = [escapeHtml(row.scenarioName), escapeHtml(row.strategy), formatNumber(row.runCount), formatNumber(row.deliveryCount),
      formatNumber(row.deferredPer1000Deliveries, 1),
      `${formatMs(row.visibilityDelayMsMean)} / ${formatMs(row.visibilityDelayMsP99)} / ${formatMs(row.visibilityDelayMsMax)}`,
      formatNumber(row.leaseBytesPerSecPerServer, 1), row.leaseShareOfReplication === null ? '–' : `${formatNumber(row.leaseShareOfReplication * 100, 2)}%`,
      formatNumber(row.renumberedPer1000Deliveries, 1), formatNumber(row.uidValidityResetCount)];
    return `<tr>${cells.map((cell, index) => `<td class="${index < 2 ? 'l' : ''}">${cell}</td>`).join('')}</tr>`;
  });
  return `<p class="note">Scenarios run under more than one strategy (<code>compareStrategies</code>): `
    + `owner keeps UIDs by deferring what the minority side delivers until an owner with a lease assigns it; renumber and reset-validity `
    + `make every delivery visible at once and pay at the heal, in renumbered messages or UIDVALIDITY resets.</p>${table(head, rows, 2)}`;
}

/** Real client programs (mbsync, offlineimap) judge what users see: the price of each strategy to the people who read the mail. */
function realClientSection(summary: ReportSummary): string {
  const head = ['strategy', 'client', 'runs', 'offline edits', 'edits lost per 1k edits', 'misapplied edits', 'refused syncs', 'duplicates',
    'redownloaded KB per 1k deliveries', 'renumbered per 1k deliveries', 'UIDVALIDITY resets'];
  const rows = summary.realClients.map((row) => {
    const damage = (count: number) => `<span class="${count > 0 ? 'bad' : 'good'}">${formatNumber(count)}</span>`;
    const cells = [escapeHtml(row.strategy), escapeHtml(row.programs), formatNumber(row.runCount), formatNumber(row.editCount),
      formatNumber(row.editsLostPer1000Edits, 1), damage(row.editsMisapplied), formatNumber(row.syncsRefused), damage(row.duplicates),
      formatNumber(row.redownloadKBPer1000Deliveries, 1), formatNumber(row.renumberedPer1000Deliveries, 1), formatNumber(row.uidValidityResetCount)];
    return `<tr>${cells.map((cell, index) => `<td class="${index < 2 ? 'l' : ''}">${cell}</td>`).join('')}</tr>`;
  });
  return '<p class="note">Real offline IMAP clients (<code>realClients:</code>) sync each replica through Dovecot\'s own <code>imap</code>; their users edit offline between syncs. '
    + 'Lost edits and refused syncs are the price a strategy makes users pay; an edit on another message or a duplicate is damage, and makes the run invalid.</p>'
    + table(head, rows, 2);
}

function strategyRowHtml(row: StrategyRow, index: number): string {
  const badIfAny = (count: number) => (count > 0 ? (row.control ? 'warn' : 'bad') : 'good');
  const cells = [
    `<span class="swatch" style="background:${strategyColor(row.strategy, index)}"></span>${escapeHtml(row.strategy)}`,
    formatNumber(row.runCount),
    `<span class="${row.unexpectedCount > 0 ? 'bad' : 'good'}">${formatNumber(row.unexpectedCount)}</span>`,
    `<span class="${badIfAny(row.uidStableViolationCount)}">${formatNumber(row.uidStableViolationCount)}</span>`,
    formatNumber(row.renumberedPer1000Deliveries, 1),
    formatNumber(row.uidValidityResetCount),
    formatNumber(row.mergeCommitsPerClientCommit, 2),
    `<span class="${badIfAny(row.lostFlagCount)}">${formatNumber(row.lostFlagCount)}</span>`,
    `${formatMs(row.visibilityDelayMsMean)} <span class="muted">(${formatMs(row.visibilityDelayMsMax)})</span>`,
    formatBytes(row.bytesPerOp),
    `${formatMs(row.convergenceTimeMsMedian)} <span class="muted">(${formatMs(row.convergenceTimeMsP95)})</span>`,
    `<span class="${badIfAny(row.neverConvergedCount)}">${formatNumber(row.neverConvergedCount)}</span>`,
  ];
  return `<tr class="${row.control ? 'control' : ''}">${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
}

/** A table whose first `leftColumns` columns are text (left-aligned); the rest are figures. */
function table(head: readonly string[], rows: readonly string[], leftColumns = 1): string {
  const cells = head.map((cell, index) => `<th class="${index < leftColumns ? 'l' : ''}">${escapeHtml(cell)}</th>`).join('');
  return `<div class="scroll"><table><thead><tr>${cells}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function efficiencySection(summary: ReportSummary): string {
  if (summary.efficiency.length === 0) return '<p class="muted">No runs.</p>';
  const categories = summary.efficiency.map((row) => row.layout);
  const sideBySide = categories.length <= EFFICIENCY_PAIRED_LAYOUTS_MAX;
  const chart = (kind: 'flag' | 'delivery') => barChart({
    title: kind === 'flag' ? 'Bytes on the wire per flag change' : 'Bytes on the wire per delivery',
    yLabel: 'bytes',
    categories,
    log: true,
    width: sideBySide ? 520 : 1040,
    height: 300,
    format: (value) => formatBytes(value),
    series: [
      { name: 'measured', color: SERIES_COLORS.measured, values: summary.efficiency.map((row) => (kind === 'flag' ? row.bytesPerFlagChange : row.bytesPerDelivery)) },
      { name: kind === 'flag' ? 'minimum (GUID + flag delta)' : 'minimum (compressed message)', color: SERIES_COLORS.minimum,
        values: summary.efficiency.map((row) => (kind === 'flag' ? row.minBytesPerFlagChange : row.minBytesPerDelivery)) },
      ...summary.realSystems.map((system, index) => ({
        name: `${system.name} (${(kind === 'flag' ? system.flagSource : system.deliverySource) === 'measured' ? 'real, this report' : 'hand-measured'})`,
        color: REAL_SYSTEM_COLORS[index % REAL_SYSTEM_COLORS.length] as string,
        values: summary.efficiency.map(() => (kind === 'flag' ? system.bytesPerFlagChange : system.bytesPerDelivery)),
      })),
      { name: 'real git thin pack, same commits', color: SERIES_COLORS.git,
        values: summary.efficiency.map((row) => (kind === 'flag' ? row.gitBytesPerFlagChange : row.gitBytesPerDelivery)) },
    ],
  });
  const head = ['layout', 'mailbox size', 'runs', 'flag changes', 'B / flag change', 'minimum', '× minimum', 'real git (ours, same runs)', 'deliveries', 'B / delivery', 'minimum', '× minimum', 'real git (ours, same runs)', 'B / op'];
  const rows = [...summary.efficiency, ...summary.efficiencyBySize].map(efficiencyRowHtml);
  return `<p class="note">Replication bytes attributed to each operation (a push is a thin git pack plus 8 B of framing and 20 B per head (backends/git/server/wire.ts); `
    + `a batch's push is split over its operations; on real Dovecot, the dsync session's stream a write caused, counted both ways by a relay), weighted by operation counts, beside the floor `
    + `(GUID plus flag delta for a flag change; compressed message bytes for a delivery) and beside the real systems' figures `
    + `(${escapeHtml(realSystemsText(summary.realSystems))}), `
    + `and beside what real git's <code>pack-objects --thin</code> makes for the same commits, where a scenario measured it (<code>gitReference</code>).</p>`
    + `<div class="${sideBySide ? 'charts' : ''}">${figure('Bytes on the wire per flag change, by layout', chart('flag'))}${figure('Bytes on the wire per delivery, by layout', chart('delivery'))}</div>`
    + `<h3>By layout and mailbox size</h3>${sizeChart(summary)}${table(head, rows, 2)}`;
}

/** Bytes per flag change against mailbox size, one bar series per layout: how a snapshot's tree cost grows. */
function sizeChart(summary: ReportSummary): string {
  const buckets = [...new Set(summary.efficiencyBySize.map((row) => row.sizeBucket))].sort((a, b) => sizeRank(a) - sizeRank(b));
  const layouts = [...new Set(summary.efficiencyBySize.map((row) => row.layout))];
  if (buckets.length < 2) return '';
  const value = (layout: string, bucket: string) =>
    summary.efficiencyBySize.find((row) => row.layout === layout && row.sizeBucket === bucket)?.bytesPerFlagChange ?? null;
  return figure('Bytes per flag change by mailbox size and layout', barChart({
    title: 'Bytes per flag change by mailbox size and layout', yLabel: 'bytes', categories: buckets, log: true, height: 280,
    format: (bytes) => formatBytes(bytes),
    series: layouts.map((layout, index) => ({ name: layout, color: EXTRA_COLORS[index % EXTRA_COLORS.length] ?? '#555', values: buckets.map((bucket) => value(layout, bucket)) })),
  }));
}

/** Real git's figure beside ours over the same runs: the row's measured figure may include runs git did not measure. */
function gitCell(git: number | null, ours: number | null): string {
  return git === null ? '–' : `${formatBytes(git)} (${formatBytes(ours)})`;
}

function efficiencyRowHtml(row: EfficiencyRow): string {
  const times = (value: number | null, floor: number | null) => (value === null || floor === null || floor === 0 ? '–' : `${formatNumber(value / floor, 1)}×`);
  const cells = [escapeHtml(row.layout), escapeHtml(row.sizeBucket), formatNumber(row.runCount), formatNumber(row.flagChangeCount),
    formatBytes(row.bytesPerFlagChange), formatBytes(row.minBytesPerFlagChange), times(row.bytesPerFlagChange, row.minBytesPerFlagChange), gitCell(row.gitBytesPerFlagChange, row.bytesPerFlagChangeOnGitRuns),
    formatNumber(row.deliveryCount), formatBytes(row.bytesPerDelivery), formatBytes(row.minBytesPerDelivery), times(row.bytesPerDelivery, row.minBytesPerDelivery), gitCell(row.gitBytesPerDelivery, row.bytesPerDeliveryOnGitRuns),
    formatBytes(row.bytesPerOp)];
  return `<tr class="${row.sizeBucket === 'all' ? '' : 'muted'}">${cells.map((cell, index) => `<td class="${index < 2 ? 'l' : ''}">${cell}</td>`).join('')}</tr>`;
}

function convergenceSection(summary: ReportSummary): string {
  const c = summary.convergence;
  if (c.runCount === 0) return '<p class="muted">No runs.</p>';
  const series = [
    ...c.byStrategy.map((s, index) => ({ name: `${s.strategy} (${s.runCount})`, color: strategyColor(s.strategy, index), points: s.cdf })),
    ...(c.byStrategy.length > 1 ? [{ name: `all (${c.runCount})`, color: '#212121', points: c.cdf }] : []),
  ];
  const stats = [['runs', formatNumber(c.runCount)], ['never converged', formatNumber(c.neverConvergedCount)], ['median', formatMs(c.timeMsP50)],
    ['p90', formatMs(c.timeMsP90)], ['p99', formatMs(c.timeMsP99)], ['max', formatMs(c.timeMsMax)],
    ['sync rounds, mean', formatNumber(c.roundsMean, 1)], ['sync rounds, max', formatNumber(c.roundsMax)]]
    .map(([label, value]) => `<div><b>${value ?? ''}</b><span class="muted">${label ?? ''}</span></div>`).join('');
  const rounds = barChart({
    title: 'Sync rounds until convergence', yLabel: 'runs', categories: c.rounds.map((row) => String(row.rounds)),
    series: [{ name: 'runs by number of sync rounds', color: '#00838f', values: c.rounds.map((row) => row.runCount) }],
    format: (value) => formatNumber(value), height: 260,
  });
  return `<div class="stats">${stats}</div>`
    + figure('Convergence time after the last heal (CDF, by strategy)',
      cdfChart({ title: 'Convergence time after the last heal (CDF)', xLabel: 'time from the last heal until every replica holds the same tree', series }))
    + `<p class="note">A curve that stops below 100% means some runs never converged within the run.</p>`
    + figure('Sync rounds until convergence', rounds);
}

function figure(caption: string, svg: string): string {
  return `<figure><figcaption>${escapeHtml(caption)}</figcaption>${svg}</figure>`;
}

function verdictSection(summary: ReportSummary): string {
  return `<h3>Per scenario</h3>${scenarioTable(summary)}<h3>Per checker</h3>${checkerTable(summary)}`
    + `<h3>What each checker judged</h3>${table(JUDGED_HTML_HEAD, judgedHtmlRows(summary.judged), 2)}`
    + `<h3 id="failures">Unexpected runs</h3>${failureList(summary)}`;
}

function checkCell(row: ScenarioRow, counts: VerdictCounts | undefined): string {
  if (counts === undefined || counts.valid + counts.invalid + counts.unknown === 0) return '<td class="c cell-none">–</td>';
  if (counts.invalid > 0) {
    const expected = row.expect === 'invalid';
    return `<td class="c ${expected ? 'cell-exp' : 'cell-bad'}" title="${counts.invalid} of ${counts.valid + counts.invalid + counts.unknown} runs invalid">${counts.invalid}✗</td>`;
  }
  if (counts.unknown > 0) return `<td class="c cell-unk" title="${counts.unknown} unknown">${counts.unknown}?</td>`;
  return '<td class="c cell-ok">✓</td>';
}

function scenarioLabel(row: ScenarioRow, withStrategy: boolean): string {
  const extra = [withStrategy ? row.strategy : '', row.overrides.join(' ')].filter((part) => part !== '').join(' · ');
  return `${escapeHtml(row.scenarioName)}${extra === '' ? '' : `<br><span class="muted">${escapeHtml(extra)}</span>`}`;
}

function scenarioTable(summary: ReportSummary): string {
  if (summary.scenarios.length === 0) return '<p class="muted">No runs.</p>';
  const head = ['scenario', 'strategy', 'expect', 'runs', 'valid', 'invalid', 'unknown', 'unexpected', 'unexpected runs: replay commands'];
  const rows = summary.scenarios.map((row) => {
    const links = row.failureIds.map((id) => `<a href="#${escapeHtml(id)}">${escapeHtml(id)}</a>`).join(' ');
    const more = row.unexpectedCount > row.failureIds.length ? ` <span class="muted">+${formatNumber(row.unexpectedCount - row.failureIds.length)}</span>` : '';
    return `<tr><td class="l">${scenarioLabel(row, false)}</td><td class="l">${escapeHtml(row.strategy)}</td><td class="l">${escapeHtml(row.expect)}</td>`
      + `<td>${formatNumber(row.runCount)}</td><td>${formatNumber(row.verdicts.valid)}</td><td>${formatNumber(row.verdicts.invalid)}</td>`
      + `<td>${formatNumber(row.verdicts.unknown)}</td><td class="${row.unexpectedCount > 0 ? 'bad' : 'good'}">${formatNumber(row.unexpectedCount)}</td>`
      + `<td class="l">${links}${more}</td></tr>`;
  });
  return table(head, rows, 3) + checkMatrix(summary);
}

/** Scenario x checker: how many runs each checker found invalid. */
function checkMatrix(summary: ReportSummary): string {
  // Check names break at their hyphens so ten checker columns fit the page.
  const checkHeads = summary.checkNames.map((name) => `<th class="c" title="${escapeHtml(name)}">${name.split('-').map(escapeHtml).join('-<br>')}</th>`);
  const rows = summary.scenarios.map((row) => `<tr><td class="l">${scenarioLabel(row, true)}</td>`
    + summary.checkNames.map((name) => checkCell(row, row.checks[name])).join('') + '</tr>');
  return `<h3>Per scenario and checker</h3><div class="scroll"><table><thead><tr><th class="l">scenario</th>${checkHeads.join('')}</tr></thead>`
    + `<tbody>${rows.join('')}</tbody></table></div>`
    + '<p class="note">✓ all valid · n✗ runs invalid (red: unexpected, amber: expected by a control scenario) · n? unknown · – not checked, or nothing to judge.</p>';
}

function checkerTable(summary: ReportSummary): string {
  const head = ['checker', 'runs', 'valid', 'invalid', 'unknown', 'violations', 'invalid where valid expected'];
  const rows = summary.checkers.map((row) => `<tr><td>${escapeHtml(row.name)}</td><td>${formatNumber(row.runCount)}</td>`
    + `<td>${formatNumber(row.verdicts.valid)}</td><td>${formatNumber(row.verdicts.invalid)}</td><td>${formatNumber(row.verdicts.unknown)}</td>`
    + `<td>${formatNumber(row.violationCount)}</td><td class="${row.unexpectedInvalidCount > 0 ? 'bad' : 'good'}">${formatNumber(row.unexpectedInvalidCount)}</td></tr>`);
  return table(head, rows);
}

function failureList(summary: ReportSummary): string {
  if (summary.failures.length === 0) return '<p class="good">None: every run ended with the verdict its scenario expects.</p>';
  const timelineIds = new Set(summary.timelines.map((run) => run.id));
  const items = summary.failures.map((failure) => failureHtml(failure, timelineIds.has(failure.id)));
  const omitted = summary.failuresOmittedCount > 0 ? `<p class="note">${formatNumber(summary.failuresOmittedCount)} more unexpected runs are not listed; see the JSON summary or the sweep's failure files.</p>` : '';
  return items.join('') + omitted;
}

function findingsSection(summary: ReportSummary): string {
  const intro = '<p class="note">Behaviour of a real system that a scenario reproduces on purpose. Each is an expectation, not a failure: '
    + 'the run is as expected while the checks named catch it, and becomes unexpected (exit 1) when it stops reproducing, so a fixed upstream bug is noticed.</p>';
  const items = summary.findings.map((row, index) => {
    const held = row.reproducedCount === row.runCount;
    const count = `<span class="${held ? 'good' : 'bad'}">reproduced on ${formatNumber(row.reproducedCount)} of ${formatNumber(row.runCount)} runs</span>`
      + (row.missedSeeds.length === 0 ? '' : ` (not on seed ${row.missedSeeds.join(', ')})`);
    const source = row.source === null ? '' : ` · source: <code>${escapeHtml(row.source)}</code>`;
    return `<div class="failure"><h3>${escapeHtml(row.scenarioName)} · ${escapeHtml(row.strategy)}</h3><div>${escapeHtml(row.summary)}</div>`
      + `<div>caught by <b>${escapeHtml(row.checks.join(', '))}</b> · ${count}${source}</div>${replayBlock(`finding-${index + 1}`, row.replayCommand)}</div>`;
  });
  return intro + items.join('');
}

function replayBlock(id: string, command: string): string {
  return `<div>replay: <code class="cmd" id="cmd-${escapeHtml(id)}">${escapeHtml(command)}</code><button class="copy" type="button" data-for="cmd-${escapeHtml(id)}">copy</button></div>`;
}

function failureHtml(failure: FailureRow, hasDrawnTimeline: boolean): string {
  const checks = failure.failedChecks.map((check) =>
    `<li><b>${escapeHtml(check.name)}</b> <span class="muted">(${formatNumber(check.count)})</span>: ${escapeHtml(check.explanation)}</li>`).join('');
  const file = failure.failureFile === null ? '' : `<div>failure file: <code>${escapeHtml(failure.failureFile)}</code></div>`;
  const timelineLink = hasDrawnTimeline ? ` · <a href="#timeline-${escapeHtml(failure.id)}">timeline</a>` : '';
  return `<div class="failure" id="${escapeHtml(failure.id)}"><h3>${escapeHtml(failure.scenarioName)} · ${escapeHtml(failure.strategy)} · seed ${failure.seed}</h3>`
    + `<div>verdict <span class="bad">${escapeHtml(failure.verdict)}</span>, expected ${escapeHtml(failure.expect)}`
    + `${failure.overrides.length === 0 ? '' : ` · overrides <code>${escapeHtml(failure.overrides.join(' '))}</code>`}${timelineLink}</div>`
    + (checks === '' ? '' : `<ul>${checks}</ul>`) + replayBlock(failure.id, failure.replayCommand) + file + '</div>';
}

function timelineSection(summary: ReportSummary): string {
  if (summary.timelines.length === 0) return '<p class="muted">No run in these results carries a timeline.</p>';
  const intro = '<p class="note">One lane per server; a lane splits into rows, one per client process. Shading marks faults on the servers they touch; '
    + 'bars are client operations coloured by outcome (info = the client does not know whether it took effect). Hover for details. '
    + 'Failing runs come first, then a few others for comparison.</p>';
  return intro + summary.timelines.map(timelineHtml).join('');
}

function timelineHtml(run: TimelineRun): string {
  const status = run.unexpected
    ? `<span class="bad">${escapeHtml(run.verdict)} (expected ${escapeHtml(run.expect)})</span>`
    : `<span class="good">${escapeHtml(run.verdict)}, as expected</span>`;
  const opsNote = run.timeline.ops.length > TIMELINE_OPS_DRAWN_MAX ? ` · first ${formatNumber(TIMELINE_OPS_DRAWN_MAX)} of ${formatNumber(run.timeline.ops.length)} operations drawn` : '';
  return `<div class="timeline" id="timeline-${escapeHtml(run.id)}"><h3>${escapeHtml(run.scenarioName)} · ${escapeHtml(run.strategy)} · seed ${run.seed}: ${status}</h3>`
    + `<div class="note">${formatNumber(run.timeline.nodes.length)} servers · ${formatNumber(run.timeline.faults.length)} faults · `
    + `${formatNumber(run.timeline.ops.length)} operations · ${formatMs(run.timeline.endMs)}${opsNote}</div>`
    + timelineChart(run.timeline, { title: `Timeline of ${run.key}` })
    + replayBlock(`timeline-${run.id}`, run.replayCommand) + '</div>';
}
