/** The soak's figures for a person (tables and a verdict) and for a machine (--json). */
import { renderTable } from '../../shared/ops/ops-table.ts';
import type { SoakFigures } from './soak-figures.ts';

const MIB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;
const count = (value: number) => Math.round(value).toLocaleString('en-US');

export interface SoakRun {
  /** The command that reproduces the run. */
  readonly command: string;
  readonly symbols: readonly string[];
  /** How the soak's config differs from the one given (soak-config.ts). */
  readonly configChanges: readonly string[];
  /** Load on the machine while it ran (os.loadavg at the end: 1, 5, 15 minutes), and its cores. */
  readonly loadAverage: readonly number[];
  readonly cores: number;
  readonly logFile: string;
  readonly reportFile: string;
}

export function soakReportText(run: SoakRun, figures: SoakFigures): string {
  const { rate, lag, heap, rss, messages, consistency } = figures;
  const summary = renderTable(
    {
      columns: ['figure', 'value'],
      rows: [
        ['command', run.command],
        [
          'duration',
          `${figures.durationSeconds.toFixed(0)} s (warm-up ${figures.warmupSeconds.toFixed(0)} s, ${figures.samples} samples)`,
        ],
        ['symbols', run.symbols.join(',')],
        ['config changes', run.configChanges.join('; ') || 'none'],
        [
          'rate sent',
          `${count(rate.sentPerSecond)} msg/s (asked ${count(rate.requested)}; slowest interval ${count(rate.minIntervalPerSecond)})`,
        ],
        ['rate received', `${count(rate.receivedPerSecond)} msg/s`],
        [
          'event-loop delay',
          `p99 ${lag.p99Ms.toFixed(2)} ms (worst interval; median interval ${lag.medianIntervalP99Ms.toFixed(2)} ms; ${lag.intervalsOver} of ${lag.intervals} intervals ≥ 10 ms, ${lag.intervalsOverMachineStalled} of them with the soak's own idle process stalled too), max ${lag.maxMs.toFixed(1)} ms; the soak's own max ${lag.soakMaxMs.toFixed(1)} ms`,
        ],
        [
          'heap used',
          `${mib(heap.startBytes)} → ${mib(heap.endBytes)} (${heap.growthPct.toFixed(1)} %), peak ${mib(heap.peakBytes)}`,
        ],
        [
          'RSS',
          `${mib(rss.startBytes)} → ${mib(rss.endBytes)} (${rss.growthPct.toFixed(1)} %), peak ${mib(rss.peakBytes)}`,
        ],
        [
          'messages',
          `${count(messages.sent)} sent, ${count(messages.received)} received, ${count(messages.lost)} lost`,
        ],
        [
          'orders and fills',
          `engine: ${consistency.engineOrders} orders, ${consistency.engineFills} fills; at the end ${consistency.positions} position(s), ${consistency.openOrders} open order(s)`,
        ],
        [
          'intents refused',
          Object.entries(figures.refused)
            .map(([reason, n]) => `${reason} ${count(n)}`)
            .join(', ') || 'none',
        ],
        [
          'machine',
          `${run.cores} cores, load average ${run.loadAverage.map((value) => value.toFixed(2)).join(' / ')} (1/5/15 min)`,
        ],
        ['logs, JSON report', `${run.logFile}, ${run.reportFile}`],
      ],
    },
    {},
  );
  const byType = renderTable(
    {
      columns: ['message type', 'sent', 'received'],
      rows: Object.entries(messages.byType).map(([type, counts]) => [
        type,
        count(counts.sent),
        count(counts.received),
      ]),
    },
    { rightAligned: ['sent', 'received'] },
  );
  const checks = renderTable({
    columns: ['check', 'value', 'threshold', 'result'],
    rows: figures.checks.map((check) => [
      check.name,
      check.value,
      check.threshold,
      check.ok ? 'ok' : 'MISSED',
    ]),
  });
  const differences =
    consistency.differences.length === 0
      ? ''
      : `\n\n${renderTable({
          columns: ['difference', 'symbol', 'client order id', 'engine', 'simulator'],
          rows: consistency.differences.map((difference) => [
            difference.kind,
            difference.symbol,
            difference.clientOrderId ?? '',
            difference.engine,
            difference.broker,
          ]),
        })}`;
  const verdict = figures.pass ? 'SOAK PASSED: every threshold met' : 'SOAK FAILED: a threshold was missed';
  return `${summary}\n\n${byType}\n\n${checks}${differences}\n\n${verdict}\n`;
}

export function soakReportJson(run: SoakRun, figures: SoakFigures): string {
  return `${JSON.stringify({ run, figures }, null, 2)}\n`;
}
