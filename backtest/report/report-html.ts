/**
 * report.html: the report a trader opens from disk. Self-contained: the chart library, its
 * stylesheet and the chart data are inlined, and nothing on the page refers to the network.
 * Every string from the run (strategy, parameters, symbols, source) is escaped. Pure: the chart
 * library comes in as text (shared/html/chart-library.ts reads it).
 */

import { type ChartLibrary, inlineScript, inlineStyle } from '../../shared/html/chart-library.ts';
import { newYorkWallTime } from '../../shared/time/new-york-time.ts';
import type { TradeRecord } from '../backtest-result.ts';
import type { CurveMetrics, PerformanceMetrics } from './metrics.ts';
import type { BacktestReport, Columns } from './report-json.ts';

/** Above this many trades the table shows the first and last half of it: a browser chokes on 100k rows. */
export const TRADES_SHOWN_IN_FULL = 5_000;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const NO_VALUE = '—';

export function renderReportHtml(report: BacktestReport, charts: ChartLibrary): string {
  const { meta } = report;
  const title = `Backtest: ${meta.strategy} on ${meta.symbols.join(', ')}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${inlineStyle(charts.stylesheet)}</style>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="period">${escapeHtml(meta.from)} to ${escapeHtml(meta.to)}, ${escapeHtml(meta.timeframe)} bars</p>
${metricsSection(report)}
<section>
<h2>Equity against buy-and-hold</h2>
<div id="equity-chart" class="chart"></div>
<h2>Drawdown</h2>
<div id="drawdown-chart" class="chart"></div>
<p class="note">Daily points at each New York date's last slice; the drawdown plotted for a date is its deepest slice.</p>
</section>
${monthlyReturnsSection(report)}
${tradesSection(report.trades)}
${runSection(report)}
</main>
<script type="application/json" id="chart-data">${chartData(report)}</script>
<script>${inlineScript(charts.script)}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

// ---- Metrics

type Format = (value: number) => string;

interface MetricRow {
  readonly label: string;
  readonly strategy: (metrics: PerformanceMetrics) => string;
  /** Absent for figures a buy-and-hold curve does not have (trades, exposure). */
  readonly benchmark?: (metrics: CurveMetrics) => string;
}

const percent: Format = (value) => `${formatNumber(value * 100, 2)}%`;
const ratio: Format = (value) => formatNumber(value, 2);
const money: Format = (value) => formatNumber(value, 2);
const count: Format = (value) => formatNumber(value, 0);

function show(value: number | null, format: Format): string {
  return value === null ? NO_VALUE : format(value);
}

function curveRow(label: string, pick: (metrics: CurveMetrics) => number | null, format: Format): MetricRow {
  return {
    label,
    strategy: (metrics) => show(pick(metrics), format),
    benchmark: (metrics) => show(pick(metrics), format),
  };
}

function strategyRow(
  label: string,
  pick: (metrics: PerformanceMetrics) => number | null,
  format: Format,
): MetricRow {
  return { label, strategy: (metrics) => show(pick(metrics), format) };
}

function drawdownDays(metrics: CurveMetrics): string {
  if (metrics.maxDrawdownDays === null) return NO_VALUE;
  return `${count(metrics.maxDrawdownDays)}${metrics.maxDrawdownRecovered === false ? ' (not recovered)' : ''}`;
}

const METRIC_ROWS: readonly MetricRow[] = [
  { label: 'Period', strategy: (m) => `${m.from} to ${m.to}` },
  strategyRow('Trading days', (m) => m.days, count),
  curveRow('Start value', (m) => m.startValue, money),
  curveRow('End value', (m) => m.endValue, money),
  curveRow('Total return', (m) => m.totalReturn, percent),
  curveRow('CAGR', (m) => m.cagr, percent),
  curveRow('Annualised volatility', (m) => m.annualisedVolatility, percent),
  curveRow('Sharpe ratio', (m) => m.sharpe, ratio),
  curveRow('Sortino ratio', (m) => m.sortino, ratio),
  curveRow('Max drawdown', (m) => m.maxDrawdown, percent),
  { label: 'Max drawdown duration (days)', strategy: drawdownDays, benchmark: drawdownDays },
  curveRow('Calmar ratio', (m) => m.calmar, ratio),
  strategyRow('Win rate (closing trades)', (m) => m.winRate, percent),
  strategyRow('Profit factor', (m) => m.profitFactor, ratio),
  strategyRow('Average win', (m) => m.averageWin, money),
  strategyRow('Average loss', (m) => m.averageLoss, money),
  strategyRow('Exposure', (m) => m.exposure, percent),
  strategyRow('Turnover', (m) => m.turnover, ratio),
  strategyRow('Annualised turnover', (m) => m.annualisedTurnover, ratio),
  strategyRow('Traded notional', (m) => m.tradedNotional, money),
  strategyRow('Fees paid', (m) => m.fees, money),
  strategyRow('Slippage paid', (m) => m.slippage, money),
  strategyRow('Executions', (m) => m.executions, count),
  strategyRow('Closing trades', (m) => m.closingTrades, count),
  strategyRow('Round trips', (m) => m.roundTrips, count),
];

function columnsOf<T>(columns: Columns<T>, split: boolean): (T | null)[] {
  return split ? [columns.all, columns.inSample, columns.outOfSample] : [columns.all];
}

function metricsSection(report: BacktestReport): string {
  const split = report.split !== null;
  const strategy = columnsOf(report.metrics, split);
  const benchmark = columnsOf(report.benchmark, split);
  const sides = split ? ['All', 'In-sample', 'Out-of-sample'] : ['All'];
  const group = (name: string): string => `<th colspan="${sides.length}" scope="colgroup">${name}</th>`;
  const header = `<tr><th rowspan="2"></th>${group('Strategy')}${group('Buy and hold')}</tr>
<tr>${[...sides, ...sides].map((side) => `<th scope="col">${side}</th>`).join('')}</tr>`;
  const rows = METRIC_ROWS.map((row) => {
    const cells = [
      ...strategy.map((metrics) => (metrics === null ? NO_VALUE : row.strategy(metrics))),
      ...benchmark.map((metrics) =>
        metrics === null || row.benchmark === undefined ? '' : row.benchmark(metrics),
      ),
    ];
    return `<tr><th scope="row">${row.label}</th>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
  });
  const splitNote =
    report.split === null
      ? ''
      : `<p class="note">Split ${formatNumber(report.split.fraction, 4)}: in-sample is the first ${count(report.split.firstOutOfSampleSlice)} of ${count(report.meta.slices)} time slices${report.split.outOfSampleFromMs === null ? '' : `, out-of-sample starts ${escapeHtml(formatTime(report.split.outOfSampleFromMs))} New York time`}.</p>`;
  return `<section>
<h2>Metrics</h2>
<table class="metrics">
<thead>
${header}
</thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
${splitNote}
<p class="note">Daily returns annualised with ${report.meta.tradingDaysPerYear} trading days a year; risk-free rate 0. Definitions: docs/backtest.md, section Report.</p>
</section>`;
}

// ---- Monthly returns

function monthlyReturnsSection(report: BacktestReport): string {
  const byMonth = new Map(report.monthlyReturns.map((month) => [month.period, month.return]));
  const rows = report.yearlyReturns.map((year) => {
    const months = MONTHS.map((_, index) => {
      const period = `${year.period}-${String(index + 1).padStart(2, '0')}`;
      return byMonth.has(period) ? returnCell(byMonth.get(period)!) : '<td></td>';
    });
    return `<tr><th scope="row">${year.period}</th>${months.join('')}${returnCell(year.return, 'year')}</tr>`;
  });
  return `<section>
<h2>Monthly returns</h2>
<table class="monthly">
<thead><tr><th></th>${MONTHS.map((month) => `<th scope="col">${month}</th>`).join('')}<th scope="col">Year</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<p class="note">Each New York month's last equity over the previous month's; the first month against the starting cash.</p>
</section>`;
}

/** Green for a gain, red for a loss, deeper the larger it is (full at ±10%). */
function returnCell(value: number | null, extraClass = ''): string {
  if (value === null) return `<td class="${extraClass}">${NO_VALUE}</td>`;
  const sign = value > 0 ? 'gain' : value < 0 ? 'loss' : 'flat';
  const strength = (0.12 + Math.min(Math.abs(value) / 0.1, 1) * 0.5).toFixed(2);
  const colour =
    value > 0 ? `rgba(26,127,55,${strength})` : value < 0 ? `rgba(207,34,46,${strength})` : 'transparent';
  return `<td class="${`${sign} ${extraClass}`.trim()}" style="background:${colour}">${percent(value)}</td>`;
}

// ---- Trades

function tradesSection(trades: readonly TradeRecord[]): string {
  const half = TRADES_SHOWN_IN_FULL / 2;
  const truncated = trades.length > TRADES_SHOWN_IN_FULL;
  const shown = truncated
    ? [
        ...trades.slice(0, half).map(tradeRow),
        gapRow(trades.length - 2 * half),
        ...trades.slice(-half).map(tradeRow),
      ]
    : trades.map(tradeRow);
  const shownNote = truncated
    ? `the first and last ${count(half)} are shown, report.json has them all`
    : 'all shown';
  const note = `<p class="note">${count(trades.length)} executions, ${shownNote}. Net is realised P&amp;L less the execution's fee, for executions that realised P&amp;L.</p>`;
  return `<section>
<h2>Trades</h2>
${note}
<table class="trades">
<thead><tr><th scope="col">Time (New York)</th><th scope="col">Symbol</th><th scope="col">Side</th><th scope="col">Quantity</th><th scope="col">Price</th><th scope="col">Notional</th><th scope="col">Fee</th><th scope="col">Slippage</th><th scope="col">Realised P&amp;L</th><th scope="col">Net</th><th scope="col">Position after</th></tr></thead>
<tbody>
${shown.join('\n')}
</tbody>
</table>
</section>`;
}

function tradeRow(trade: TradeRecord): string {
  // Closing: the execution reduced a position (as the metrics count it), even at exactly its cost.
  const before = trade.side === 'buy' ? trade.positionAfter - trade.qty : trade.positionAfter + trade.qty;
  const closing = trade.side === 'buy' ? before < 0 : before > 0;
  const net = trade.realizedPnl - trade.fee;
  const cells = [
    escapeHtml(formatTime(trade.timeMs)),
    escapeHtml(trade.symbol),
    escapeHtml(trade.side),
    formatQuantity(trade.qty),
    formatNumber(trade.price, 4),
    money(Math.abs(trade.qty * trade.price)),
    money(trade.fee),
    money(trade.slippage),
    closing ? money(trade.realizedPnl) : '',
    closing ? `<span class="${net >= 0 ? 'gain' : 'loss'}">${money(net)}</span>` : '',
    formatQuantity(trade.positionAfter),
  ];
  return `<tr>${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
}

function gapRow(hidden: number): string {
  return `<tr class="gap"><td colspan="11">… ${count(hidden)} trades not shown …</td></tr>`;
}

// ---- The run

function runSection(report: BacktestReport): string {
  const { meta } = report;
  const entries = (record: Readonly<Record<string, number | string | boolean>>): string => {
    const keys = Object.keys(record).sort();
    return keys.length === 0 ? NO_VALUE : keys.map((key) => `${key} = ${String(record[key])}`).join(', ');
  };
  const items: [string, string][] = [
    ['Strategy', meta.strategy],
    ['Parameters', entries(meta.params)],
    ['Symbols', meta.symbols.join(', ')],
    ['Dates (New York, inclusive)', `${meta.from} to ${meta.to}`],
    ['Timeframe', meta.timeframe],
    ['Data source', meta.source],
    ['Starting cash', money(meta.startingCash)],
    ['Fill model', entries(meta.fillModel)],
    ['Split', meta.split === null ? 'none' : formatNumber(meta.split, 4)],
    ['Bars', count(meta.bars)],
    ['Time slices', count(meta.slices)],
    ['Orders', count(meta.orders)],
    ['Refused intents', entries(meta.refusals)],
    [
      'Circuit breaker',
      meta.breakerReset === 'session'
        ? `reset at the start of the next session after a trip (${count(meta.breakerResets)} times)`
        : 'never reset by the backtest',
    ],
    ['Report format', String(report.formatVersion)],
  ];
  return `<section>
<h2>The run</h2>
<dl class="run">
${items.map(([term, value]) => `<dt>${term}</dt><dd>${escapeHtml(value)}</dd>`).join('\n')}
</dl>
</section>`;
}

// ---- Charts

/** Column arrays for uPlot (x in epoch seconds), with `<` escaped so the JSON cannot end its element. */
function chartData(report: BacktestReport): string {
  const round = (value: number, digits: number): number => Number(value.toFixed(digits));
  const data = {
    time: report.daily.map((point) => point.timeMs / 1000),
    equity: report.daily.map((point) => round(point.equity, 2)),
    benchmark: report.daily.map((point) => round(point.benchmark, 2)),
    drawdown: report.daily.map((point) => round(point.drawdown * 100, 4)),
    benchmarkDrawdown: report.daily.map((point) => round(point.benchmarkDrawdown * 100, 4)),
  };
  return JSON.stringify(data).replaceAll('<', '\\u003c');
}

const CHART_SCRIPT = `
(() => {
  const data = JSON.parse(document.getElementById('chart-data').textContent);
  const tzDate = (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'America/New_York');
  const width = () => Math.max(320, document.querySelector('main').clientWidth);
  const dollars = (value) => value == null ? '' : value.toLocaleString('en-US', { maximumFractionDigits: 0 });
  const percent = (value) => value == null ? '' : value.toFixed(2) + '%';
  const chart = (element, series, columns, format) => new uPlot({
    width: width(),
    height: 300,
    tzDate,
    scales: { x: { time: true } },
    series: [{}, ...series.map((s) => ({ ...s, value: (u, v) => format(v) }))],
    axes: [{}, { size: 80, values: (u, splits) => splits.map(format) }],
  }, [data.time, ...columns], document.getElementById(element));
  const charts = [
    chart('equity-chart', [
      { label: 'Strategy', stroke: '#0969da', width: 2 },
      { label: 'Buy and hold', stroke: '#8c959f', width: 1.5 },
    ], [data.equity, data.benchmark], dollars),
    chart('drawdown-chart', [
      { label: 'Strategy', stroke: '#cf222e', fill: 'rgba(207,34,46,0.15)', width: 1.5 },
      { label: 'Buy and hold', stroke: '#8c959f', width: 1 },
    ], [data.drawdown, data.benchmarkDrawdown], percent),
  ];
  window.addEventListener('resize', () => charts.forEach((c) => c.setSize({ width: width(), height: 300 })));
})();
`;

// ---- Formatting (fixed locale, so the page is the same wherever it is written)

function formatNumber(value: number, decimals: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function formatQuantity(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 8 });
}

function formatTime(timeMs: number): string {
  const { date, minuteOfDay } = newYorkWallTime(timeMs);
  const hours = String(Math.floor(minuteOfDay / 60)).padStart(2, '0');
  const minutes = String(minuteOfDay % 60).padStart(2, '0');
  return `${date} ${hours}:${minutes}`;
}

const PAGE_STYLE = `
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 0; }
h2 { font-size: 17px; margin: 28px 0 8px; }
.period, .note { color: #59636e; margin: 4px 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid #d1d9e0; text-align: right; white-space: nowrap; }
th[scope="row"] { text-align: left; font-weight: 500; }
thead th { background: #f6f8fa; }
th[scope="colgroup"] { text-align: center; }
table.metrics td { min-width: 76px; }
table.monthly td { min-width: 54px; }
table.monthly td.year { font-weight: 600; }
table.trades { font-size: 12.5px; }
table.trades tr.gap td { text-align: center; color: #59636e; }
span.gain { color: #1a7f37; }
span.loss { color: #cf222e; }
.chart { margin: 0 0 8px; }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.run dt { color: #59636e; }
dl.run dd { margin: 0; word-break: break-word; }
`;
