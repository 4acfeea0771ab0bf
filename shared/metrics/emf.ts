/**
 * CloudWatch Embedded Metric Format: metrics as JSON log lines that CloudWatch Logs turns into
 * metrics, with no PutMetricData call
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 * `formatEmf` writes the documented shape directly: the aws-embedded-metrics package would add a
 * dependency, its own sinks and environment detection for what is one JSON.stringify. `readEmfMetrics`
 * reads such lines back, the engine's and the Lambda functions' (Powertools writes the same shape),
 * so tests can check what a line declares against what the alarms watch.
 */

/** The CloudWatch units the system's metrics use. */
export type EmfUnit = 'Count' | 'None' | 'Percent' | 'Seconds' | 'Milliseconds';

/** Observations as distinct values and how often each occurred, so CloudWatch can compute percentiles. */
export interface EmfDistribution {
  readonly values: readonly number[];
  readonly counts: readonly number[];
}

export interface EmfMetric {
  readonly name: string;
  readonly unit: EmfUnit;
  readonly value: number | EmfDistribution;
}

export interface EmfDocument {
  readonly namespace: string;
  /** One dimension set, of every key in this order; the values go on each line. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly timestampMs: number;
  readonly metrics: readonly EmfMetric[];
}

/** CloudWatch's limits: metrics in one directive, and values of one metric in one document. */
export const EMF_MAX_METRICS_PER_LINE = 100;
export const EMF_MAX_VALUES_PER_METRIC = 100;

/** A distribution's value as written: CloudWatch's Values/Counts, with their statistic set as AWS's own EMF libraries send it. */
export interface EmfDistributionValue {
  readonly Values: readonly number[];
  readonly Counts: readonly number[];
  readonly Max: number;
  readonly Min: number;
  readonly Count: number;
  readonly Sum: number;
}

/**
 * The document as whole lines (no newline): one line in the common case. A distribution with more
 * distinct values than a metric may carry continues on further lines, and more metrics than a
 * directive may hold go on further lines too; CloudWatch aggregates them as one. A value that is
 * not a finite number (NaN, Infinity) is left out with its definition, never written: CloudWatch
 * would reject the whole line.
 */
export function formatEmf(document: EmfDocument): string[] {
  const dimensionKeys = Object.keys(document.dimensions);
  const names = new Set<string>();
  // Each metric as the values it puts on line 0, 1, ...: a number on one line, a distribution in chunks.
  const parts: { readonly metric: EmfMetric; readonly chunks: readonly (number | EmfDistributionValue)[] }[] =
    [];
  for (const metric of document.metrics) {
    if (names.has(metric.name) || metric.name in document.dimensions || metric.name === '_aws')
      throw new RangeError(`EMF metric ${metric.name}: the name is already a metric, a dimension or _aws`);
    names.add(metric.name);
    const chunks =
      typeof metric.value === 'number'
        ? Number.isFinite(metric.value)
          ? [metric.value]
          : []
        : distributionChunks(metric.name, metric.value);
    if (chunks.length > 0) parts.push({ metric, chunks });
  }
  const lines: string[] = [];
  for (let index = 0; ; index++) {
    const present = parts.filter((part) => index < part.chunks.length);
    if (present.length === 0) return lines;
    for (let start = 0; start < present.length; start += EMF_MAX_METRICS_PER_LINE) {
      const members = present.slice(start, start + EMF_MAX_METRICS_PER_LINE);
      const line: Record<string, unknown> = {
        _aws: {
          Timestamp: document.timestampMs,
          CloudWatchMetrics: [
            {
              Namespace: document.namespace,
              Dimensions: [dimensionKeys],
              Metrics: members.map(({ metric }) => ({ Name: metric.name, Unit: metric.unit })),
            },
          ],
        },
        ...document.dimensions,
      };
      for (const { metric, chunks } of members) line[metric.name] = chunks[index];
      lines.push(JSON.stringify(line));
    }
  }
}

/** The usable (finite value, positive count) pairs, in chunks of at most EMF_MAX_VALUES_PER_METRIC. */
function distributionChunks(name: string, distribution: EmfDistribution): EmfDistributionValue[] {
  const { values, counts } = distribution;
  if (values.length !== counts.length)
    throw new RangeError(`EMF distribution ${name} has ${values.length} values but ${counts.length} counts`);
  const chunks: EmfDistributionValue[] = [];
  let Values: number[] = [];
  let Counts: number[] = [];
  const close = (): void => {
    let Max = Number.NEGATIVE_INFINITY;
    let Min = Number.POSITIVE_INFINITY;
    let Count = 0;
    let Sum = 0;
    for (let i = 0; i < Values.length; i++) {
      Max = Math.max(Max, Values[i]!);
      Min = Math.min(Min, Values[i]!);
      Count += Counts[i]!;
      Sum += Values[i]! * Counts[i]!;
    }
    chunks.push({ Values, Counts, Max, Min, Count, Sum });
    Values = [];
    Counts = [];
  };
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    const count = counts[i]!;
    if (!Number.isFinite(value) || !Number.isFinite(count) || count <= 0) continue;
    Values.push(value);
    Counts.push(count);
    if (Values.length === EMF_MAX_VALUES_PER_METRIC) close();
  }
  if (Values.length > 0) close();
  return chunks;
}

/** One metric an EMF line declares, under one of its dimension sets, with the value the line gives it. */
export interface EmfMetricReading {
  readonly namespace: string;
  readonly metricName: string;
  /** The dimension set's keys, each with the line's value for it. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly unit: string | undefined;
  readonly value: number | readonly number[] | EmfDistributionValue;
}

/** The line is an EMF document CloudWatch would reject. */
export class EmfFormatError extends Error {
  override readonly name = 'EmfFormatError';
}

/**
 * Every (namespace, metric, dimension set) an EMF line declares; an empty list for a line that is
 * no EMF document (a plain log line). Throws EmfFormatError for a line that is one but is broken.
 */
export function readEmfMetrics(line: string): EmfMetricReading[] {
  let root: unknown;
  try {
    root = JSON.parse(line);
  } catch {
    return [];
  }
  if (!isRecord(root) || !isRecord(root._aws)) return [];
  const directives = root._aws.CloudWatchMetrics;
  if (!Array.isArray(directives)) throw new EmfFormatError('_aws.CloudWatchMetrics is not an array');
  const readings: EmfMetricReading[] = [];
  for (const directive of directives) {
    if (!isRecord(directive) || typeof directive.Namespace !== 'string')
      throw new EmfFormatError('a metric directive has no Namespace');
    const { Namespace: namespace, Dimensions: dimensionSets, Metrics: metrics } = directive;
    if (!Array.isArray(dimensionSets) || !Array.isArray(metrics))
      throw new EmfFormatError(`a directive of ${namespace} lacks its Dimensions or Metrics array`);
    for (const keys of dimensionSets) {
      const dimensions = dimensionValues(root, keys);
      for (const definition of metrics) {
        if (!isRecord(definition) || typeof definition.Name !== 'string')
          throw new EmfFormatError(`a metric of ${namespace} has no Name`);
        const metricName = definition.Name;
        readings.push({
          namespace,
          metricName,
          dimensions,
          unit: typeof definition.Unit === 'string' ? definition.Unit : undefined,
          value: metricValue(metricName, root[metricName]),
        });
      }
    }
  }
  return readings;
}

function dimensionValues(root: Record<string, unknown>, keys: unknown): Record<string, string> {
  if (!Array.isArray(keys)) throw new EmfFormatError('a dimension set is not an array');
  const dimensions: Record<string, string> = {};
  for (const key of keys) {
    const value = typeof key === 'string' ? root[key] : undefined;
    if (typeof value !== 'string') throw new EmfFormatError(`dimension ${String(key)} has no string value`);
    dimensions[key as string] = value;
  }
  return dimensions;
}

function metricValue(name: string, value: unknown): EmfMetricReading['value'] {
  if (typeof value === 'number') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'number')) return value;
  if (isRecord(value) && Array.isArray(value.Values) && Array.isArray(value.Counts))
    return value as unknown as EmfDistributionValue;
  throw new EmfFormatError(`metric ${name} has no numeric value`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
