/**
 * The files of a sweep on AWS (sweep-run-layout.ts) as data: their schemas, checked wherever one
 * is read, since an object in a bucket is a boundary like any other. job.json holds what every
 * grid point shares, once, so grid.json's items stay small (a Distributed Map item is at most
 * 256 KiB, and there may be 100,000 of them): the risk and fee files travel as their text and are
 * validated by the same parsers as the files on disk, the grid as the --sweep value itself.
 */
import { z } from 'zod';
import { slippageModelSchema } from '../../../shared/broker/alpaca/slippage-model.ts';
import { TIMEFRAMES } from '../../data/historical-bars.ts';
import { isSweepMetric, SWEEP_METRIC_NAMES, type SweepMetric, type SweepMetrics } from '../sweep-metrics.ts';
import { SweepFileError, zodProblems } from './sweep-errors.ts';
import { POINT_ID, POINT_ID_RULE, RUN_ID, RUN_ID_RULE } from './sweep-run-layout.ts';

/** Bumped when a field changes meaning or goes away: a function refuses files of another version. */
export const SWEEP_FILES_VERSION = 1;

export const runIdSchema = z.string().regex(RUN_ID, `must be ${RUN_ID_RULE}`);
const pointIdSchema = z.string().regex(POINT_ID, `must be ${POINT_ID_RULE}`);
const sweepValue = z.union([z.number(), z.string()]);
/** One combination of the swept parameters, as expandSweep gives it. */
export const sweepPointSchema = z.record(z.string(), sweepValue);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');
const configText = z.strictObject({
  /** The path the command was given, to name it in problems. */
  file: z.string().min(1),
  toml: z.string(),
});

export const sweepJobFileSchema = z.strictObject({
  formatVersion: z.literal(SWEEP_FILES_VERSION),
  runId: runIdSchema,
  strategy: z.string().min(1),
  /** --param values; a grid point's parameters go over them. */
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  /** The --sweep value, expanded again by parseSweepSpec and expandSweep. */
  sweep: z.string().min(1),
  rankBy: z.custom<SweepMetric>(
    (value) => typeof value === 'string' && isSweepMetric(value),
    `must be one of ${SWEEP_METRIC_NAMES.join(', ')}`,
  ),
  symbols: z.array(z.string().min(1)).min(1),
  from: isoDate,
  to: isoDate,
  timeframe: z.enum(TIMEFRAMES),
  /** The data source as the user named it (report meta). */
  source: z.string(),
  startingCash: z.number().positive(),
  slippage: slippageModelSchema,
  risk: configText,
  fees: configText.extend({
    /** Fee flags given on the command line, over the file's rates. */
    overrides: z.strictObject({
      secFeePerMillion: z.number().min(0).max(10_000).optional(),
      tafPerShare: z.number().min(0).max(1).optional(),
      tafMaxPerTrade: z.number().min(0).max(10_000).optional(),
    }),
  }),
  split: z.number().gt(0).lt(1).nullable(),
  breakerReset: z.enum(['session', 'never']),
  /** data/bars.csv: its SHA-256 and bar count, so a point runs on exactly the bars the command loaded. */
  data: z.strictObject({
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
    bars: z.number().int().positive(),
  }),
});
export type SweepJobFile = z.infer<typeof sweepJobFileSchema>;

/** One item of grid.json: what the Distributed Map hands the grid-point function. */
export const gridItemSchema = z.strictObject({
  runId: runIdSchema,
  pointId: pointIdSchema,
  params: sweepPointSchema,
});
export type GridItem = z.infer<typeof gridItemSchema>;

/** What the state machine hands the summary function once every point is done. */
export const summaryEventSchema = z.strictObject({ runId: runIdSchema });

const metricValue = z.number().refine(Number.isFinite, 'must be a finite number or null').nullable();
const sweepMetricsSchema = z.strictObject(
  Object.fromEntries(SWEEP_METRIC_NAMES.map((name) => [name, metricValue])) as Record<
    SweepMetric,
    typeof metricValue
  >,
) as unknown as z.ZodType<SweepMetrics>;

const resultBase = {
  formatVersion: z.literal(SWEEP_FILES_VERSION),
  runId: runIdSchema,
  pointId: pointIdSchema,
  params: sweepPointSchema,
};

/** results/<pointId>.json: the point's metrics (the sweep's and the report's), or why its run failed. */
export const pointResultSchema = z.discriminatedUnion('outcome', [
  z.strictObject({
    ...resultBase,
    outcome: z.literal('ok'),
    metrics: sweepMetricsSchema,
    /** Every metric of the run, as report.json's metrics.all. */
    performance: z.record(z.string(), z.union([metricValue, z.string(), z.boolean()])),
  }),
  z.strictObject({
    ...resultBase,
    outcome: z.literal('failed'),
    /** As a local sweep records a run that threw: "Name: message". */
    error: z.string(),
  }),
]);
export type PointResult = z.infer<typeof pointResultSchema>;

/** An object's bytes as JSON of the schema, or a SweepFileError naming the object and each problem. */
export function readJsonObject<Schema extends z.ZodType>(
  url: string,
  bytes: Uint8Array,
  schema: Schema,
): z.infer<Schema> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new SweepFileError(url, `is not JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new SweepFileError(url, 'is not a valid sweep file', zodProblems(parsed.error));
  return parsed.data;
}
