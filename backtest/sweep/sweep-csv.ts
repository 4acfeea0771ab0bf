/**
 * A ranked sweep as CSV (RFC 4180: CRLF line ends, fields with commas, quotes or line breaks
 * quoted, quotes doubled). Numbers keep full precision for whoever analyses them next; a missing
 * metric is an empty field.
 */
import { SWEEP_METRIC_NAMES } from './sweep-metrics.ts';
import type { RankedRun } from './sweep-ranking.ts';

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** Columns: rank, the swept parameters in grid order, every metric in catalogue order, error. */
export function renderSweepCsv(parameterNames: readonly string[], runs: readonly RankedRun[]): string {
  const header = csvRecord(['rank', ...parameterNames, ...SWEEP_METRIC_NAMES, 'error']);
  const records = runs.map((run) =>
    csvRecord([
      String(run.rank),
      ...parameterNames.map((name) => String(run.params[name] ?? '')),
      ...SWEEP_METRIC_NAMES.map((metric) => {
        const value = run.metrics?.[metric] ?? null;
        return value === null ? '' : String(value);
      }),
      run.error ?? '',
    ]),
  );
  return header + records.join('');
}
