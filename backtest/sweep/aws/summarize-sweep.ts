/**
 * The end of a sweep on AWS, as the summary function runs it: every grid point's result read back
 * from results/, ranked, and written as summary.csv (the columns of a local sweep's sweep.csv) and
 * summary.md (those of its sweep.html).
 *
 * It reads the results from the bucket rather than the Distributed Map's output: the Map's output
 * would have to fit one state's 256 KiB payload (a few thousand points), and a ResultWriter's
 * files wrap each output in Step Functions' own envelope. Its own files it checks against the
 * grid: unless there is exactly one valid result for every point, it throws and writes nothing,
 * so a summary is never partial.
 */
import { renderSweepCsv } from '../sweep-csv.ts';
import { type SweepPoint, samePoint } from '../sweep-grid.ts';
import { renderSweepMarkdown } from '../sweep-markdown.ts';
import type { SweepMetric } from '../sweep-metrics.ts';
import { rankSweepRuns, type SweepRun } from '../sweep-ranking.ts';
import { sweepTitle } from '../sweep-table-view.ts';
import type { SweepBucket } from './sweep-bucket.ts';
import { SweepEventError, SweepFileError, SweepIncompleteError, zodProblems } from './sweep-errors.ts';
import {
  type PointResult,
  pointResultSchema,
  readJsonObject,
  summaryEventSchema,
} from './sweep-run-files.ts';
import { readSweepJob } from './sweep-run-inputs.ts';
import { pointIdOf, runKeys, s3Url } from './sweep-run-layout.ts';

/** Result files read at once: enough to hide S3's latency, few enough for a small function. */
const PARALLEL_READS = 32;
/** Keys named in an error at most; the count says how many there are. */
const KEYS_NAMED = 10;

export interface SweepSummary {
  readonly runId: string;
  readonly runs: number;
  readonly failed: number;
  readonly rankBy: SweepMetric;
  /** The best run's parameters and value, or null when no run has a value. */
  readonly best: { readonly params: SweepPoint; readonly value: number } | null;
  /** s3:// URLs of the table. */
  readonly csv: string;
  readonly markdown: string;
}

function named(keys: readonly string[]): string {
  const shown = keys.slice(0, KEYS_NAMED).join(', ');
  return keys.length > KEYS_NAMED ? `${shown} and ${keys.length - KEYS_NAMED} more` : shown;
}

async function mapInBatches<T, R>(
  items: readonly T[],
  size: number,
  map: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    out.push(...(await Promise.all(items.slice(start, start + size).map(map))));
  }
  return out;
}

export async function summarizeSweep(bucket: SweepBucket, event: unknown): Promise<SweepSummary> {
  const parsed = summaryEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new SweepEventError('the summary event is not {"runId": …}', zodProblems(parsed.error));
  }
  const { runId } = parsed.data;
  const { file, axes, points } = await readSweepJob(bucket, runId);
  const keys = runKeys(runId);

  const expected = points.map((_, index) => keys.result(pointIdOf(index)));
  const found = new Set(await bucket.list(keys.results));
  const missing = expected.filter((key) => !found.has(key));
  for (const key of expected) found.delete(key);
  if (missing.length > 0 || found.size > 0) {
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    const problems = [
      ...(missing.length > 0
        ? [`no result for ${count(missing.length, 'grid point')}: ${named(missing)}`]
        : []),
      ...(found.size > 0 ? [`${count(found.size, 'file')} of no grid point: ${named([...found])}`] : []),
    ];
    throw new SweepIncompleteError(
      `run ${runId} has ${expected.length - missing.length} of ${expected.length} results under ${s3Url(bucket.name, keys.results)}; no summary is written: ${problems.join('; ')}`,
    );
  }

  const results = await mapInBatches(expected, PARALLEL_READS, async (key) => {
    const url = s3Url(bucket.name, key);
    const bytes = await bucket.get(key);
    if (bytes === undefined) throw new SweepFileError(url, 'was listed but could not be read');
    return { url, result: readJsonObject(url, bytes, pointResultSchema) };
  });
  const runs: SweepRun[] = results.map(({ url, result }, index) =>
    runOf(url, result, runId, index, points[index]!),
  );

  const ranked = rankSweepRuns(runs, file.rankBy);
  const parameterNames = axes.map((axis) => axis.name);
  const title = sweepTitle(file.strategy, file.symbols, file.from, file.to);
  const csvKey = keys.summaryCsv;
  const markdownKey = keys.summaryMarkdown;
  await bucket.put(csvKey, renderSweepCsv(parameterNames, ranked), 'text/csv; charset=utf-8');
  await bucket.put(
    markdownKey,
    renderSweepMarkdown({ title, metric: file.rankBy, parameterNames }, ranked, [
      `Run ${runId} on ${file.timeframe} bars (${file.source}), ${points.length} grid points of \`--sweep ${file.sweep}\`; each point's result is under ${s3Url(bucket.name, keys.results)}.`,
    ]),
    'text/markdown; charset=utf-8',
  );
  const top = ranked[0];
  const value = top?.metrics?.[file.rankBy] ?? null;
  return {
    runId,
    runs: runs.length,
    failed: ranked.filter((run) => run.error !== null).length,
    rankBy: file.rankBy,
    best: top === undefined || value === null ? null : { params: top.params, value },
    csv: s3Url(bucket.name, csvKey),
    markdown: s3Url(bucket.name, markdownKey),
  };
}

/** A result file as the ranking takes it, after checking it is this point's of this run. */
function runOf(url: string, result: PointResult, runId: string, index: number, point: SweepPoint): SweepRun {
  const problems = [
    ...(result.runId === runId ? [] : [`runId is ${result.runId}, not ${runId}`]),
    ...(result.pointId === pointIdOf(index) ? [] : [`pointId is ${result.pointId}, not ${pointIdOf(index)}`]),
    ...(samePoint(result.params, point)
      ? []
      : [`params are ${JSON.stringify(result.params)}, not the grid's ${JSON.stringify(point)}`]),
  ];
  if (problems.length > 0) throw new SweepFileError(url, "is not this grid point's result", problems);
  return result.outcome === 'ok'
    ? { params: point, metrics: result.metrics }
    : { params: point, error: result.error };
}
