import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import {
  EMF_MAX_METRICS_PER_LINE,
  EMF_MAX_VALUES_PER_METRIC,
  type EmfDistributionValue,
  type EmfDocument,
  EmfFormatError,
  formatEmf,
  readEmfMetrics,
} from '../../../shared/metrics/emf.ts';
import { captureOutput } from '../../support/lambda-harness.ts';

const DIMENSIONS = { service: 'engine', account: 'paper-one' };

function document(metrics: EmfDocument['metrics']): EmfDocument {
  return { namespace: 'Trading', dimensions: DIMENSIONS, timestampMs: 1_750_000_000_000, metrics };
}

function parsed(lines: readonly string[]): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('Function: formatEmf', () => {
  it('writes one line: the directive first, then the dimension values, then each value', () => {
    // Act
    const lines = formatEmf(
      document([
        { name: 'EngineRunning', unit: 'Count', value: 1 },
        { name: 'DailyPnl', unit: 'None', value: -12.5 },
        { name: 'OrderLatency', unit: 'Milliseconds', value: { values: [3.1, 4.2], counts: [2, 1] } },
      ]),
    );

    // Assess
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(Object.keys(parsed(lines)[0]!)).toStrictEqual([
      '_aws',
      'service',
      'account',
      'EngineRunning',
      'DailyPnl',
      'OrderLatency',
    ]);
    expect(parsed(lines)[0]).toStrictEqual({
      _aws: {
        Timestamp: 1_750_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: 'Trading',
            Dimensions: [['service', 'account']],
            Metrics: [
              { Name: 'EngineRunning', Unit: 'Count' },
              { Name: 'DailyPnl', Unit: 'None' },
              { Name: 'OrderLatency', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      service: 'engine',
      account: 'paper-one',
      EngineRunning: 1,
      DailyPnl: -12.5,
      OrderLatency: { Values: [3.1, 4.2], Counts: [2, 1], Max: 4.2, Min: 3.1, Count: 3, Sum: 10.4 },
    });
  });

  it('continues a distribution of more than 100 distinct values on further lines, each within the limit', () => {
    // Prepare
    const values = Array.from({ length: 250 }, (_, i) => i / 10);
    const counts = values.map((_, i) => (i % 3) + 1);

    // Act
    const lines = parsed(
      formatEmf(
        document([
          { name: 'EngineRunning', unit: 'Count', value: 1 },
          { name: 'OrderLatency', unit: 'Milliseconds', value: { values, counts } },
        ]),
      ),
    );

    // Assess
    expect(lines).toHaveLength(3);
    expect(lines[0]).toHaveProperty('EngineRunning', 1);
    expect(lines.slice(1).some((line) => 'EngineRunning' in line)).toBe(false);
    const chunks = lines.map((line) => line.OrderLatency as EmfDistributionValue);
    expect(chunks.map((chunk) => chunk.Values.length)).toStrictEqual([100, 100, 50]);
    expect(chunks.every((chunk) => chunk.Values.length <= EMF_MAX_VALUES_PER_METRIC)).toBe(true);
    expect(chunks.flatMap((chunk) => chunk.Values)).toStrictEqual(values);
    expect(chunks.flatMap((chunk) => chunk.Counts)).toStrictEqual(counts);
    expect(chunks.reduce((total, chunk) => total + chunk.Count, 0)).toBe(counts.reduce((a, b) => a + b, 0));
    for (const line of lines) {
      const [directive] = (line._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] })
        .CloudWatchMetrics;
      expect(directive!.Metrics.map(({ Name }) => Name).every((name) => name in line)).toBe(true);
    }
  });

  it('puts at most 100 metrics in one directive', () => {
    // Prepare
    const metrics = Array.from({ length: 230 }, (_, i) => ({
      name: `M${i}`,
      unit: 'Count' as const,
      value: i,
    }));

    // Act
    const lines = parsed(formatEmf(document(metrics)));

    // Assess
    const perLine = lines.map(
      (line) =>
        (line._aws as { CloudWatchMetrics: { Metrics: unknown[] }[] }).CloudWatchMetrics[0]!.Metrics.length,
    );
    expect(perLine).toStrictEqual([EMF_MAX_METRICS_PER_LINE, EMF_MAX_METRICS_PER_LINE, 30]);
    expect(lines.flatMap((line) => Object.keys(line).filter((key) => key.startsWith('M')))).toStrictEqual(
      metrics.map(({ name }) => name),
    );
  });

  it('leaves out NaN and infinite values, and a distribution with no usable pair, with their definitions', () => {
    // Act
    const [line, ...rest] = parsed(
      formatEmf(
        document([
          { name: 'EngineRunning', unit: 'Count', value: 1 },
          { name: 'DailyLossPctOfLimit', unit: 'Percent', value: Number.NaN },
          { name: 'FeedLag', unit: 'Milliseconds', value: Number.POSITIVE_INFINITY },
          { name: 'Empty', unit: 'Milliseconds', value: { values: [Number.NaN, 2], counts: [1, 0] } },
          {
            name: 'OrderLatency',
            unit: 'Milliseconds',
            value: { values: [1, Number.NEGATIVE_INFINITY, 2, 3], counts: [1, 1, Number.NaN, 2] },
          },
        ]),
      ),
    );

    // Assess
    expect(rest).toStrictEqual([]);
    const names = (line!._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] })
      .CloudWatchMetrics[0]!.Metrics;
    expect(names).toStrictEqual([
      { Name: 'EngineRunning', Unit: 'Count' },
      { Name: 'OrderLatency', Unit: 'Milliseconds' },
    ]);
    expect(line).not.toHaveProperty('DailyLossPctOfLimit');
    expect(line).not.toHaveProperty('FeedLag');
    expect(line).not.toHaveProperty('Empty');
    expect(line!.OrderLatency).toStrictEqual({
      Values: [1, 3],
      Counts: [1, 2],
      Max: 3,
      Min: 1,
      Count: 3,
      Sum: 7,
    });
  });

  it('writes no line when no metric has a usable value', () => {
    expect(formatEmf(document([{ name: 'FeedLag', unit: 'Milliseconds', value: Number.NaN }]))).toStrictEqual(
      [],
    );
  });

  it.each([
    ['a metric twice', [{ name: 'A' }, { name: 'A' }]],
    ['a dimension key', [{ name: 'account' }]],
    ['_aws', [{ name: '_aws' }]],
  ])('refuses a metric named as %s', (_case, metrics) => {
    expect(() =>
      formatEmf(document(metrics.map(({ name }) => ({ name, unit: 'Count' as const, value: 1 })))),
    ).toThrow(RangeError);
  });

  it('refuses a distribution whose values and counts differ in length', () => {
    expect(() =>
      formatEmf(
        document([{ name: 'OrderLatency', unit: 'Milliseconds', value: { values: [1, 2], counts: [1] } }]),
      ),
    ).toThrow(/2 values but 1 counts/);
  });
});

describe('Function: readEmfMetrics', () => {
  it('reads back every metric of formatEmf lines with its namespace, dimensions, unit and value', () => {
    // Prepare
    const [line] = formatEmf(
      document([
        { name: 'EngineRunning', unit: 'Count', value: 1 },
        { name: 'OrderLatency', unit: 'Milliseconds', value: { values: [5], counts: [2] } },
      ]),
    );

    // Act
    const readings = readEmfMetrics(line!);

    // Assess
    expect(readings).toStrictEqual([
      { namespace: 'Trading', metricName: 'EngineRunning', dimensions: DIMENSIONS, unit: 'Count', value: 1 },
      {
        namespace: 'Trading',
        metricName: 'OrderLatency',
        dimensions: DIMENSIONS,
        unit: 'Milliseconds',
        value: { Values: [5], Counts: [2], Max: 5, Min: 5, Count: 2, Sum: 10 },
      },
    ]);
  });

  it('reads the lines Powertools writes for the Lambda functions', async () => {
    // Prepare
    const metrics = new Metrics({ namespace: 'Trading', serviceName: 'watchdog' });
    metrics.addMetric('EngineLeaseLapsed', MetricUnit.Count, 1);

    // Act
    const { lines } = await captureOutput(async () => metrics.publishStoredMetrics());

    // Assess
    const readings = lines.flatMap((line) => readEmfMetrics(JSON.stringify(line)));
    expect(readings).toStrictEqual([
      {
        namespace: 'Trading',
        metricName: 'EngineLeaseLapsed',
        dimensions: { service: 'watchdog' },
        unit: 'Count',
        value: 1,
      },
    ]);
  });

  it('reads each dimension set of a directive as its own metric', () => {
    // Prepare
    const line = JSON.stringify({
      _aws: {
        Timestamp: 0,
        CloudWatchMetrics: [
          {
            Namespace: 'Trading',
            Dimensions: [['service'], ['service', 'job']],
            Metrics: [{ Name: 'Runs' }],
          },
        ],
      },
      service: 'ops',
      job: 'backup',
      Runs: [1, 1],
    });

    // Act & Assess
    expect(
      readEmfMetrics(line).map(({ dimensions, unit, value }) => ({ dimensions, unit, value })),
    ).toStrictEqual([
      { dimensions: { service: 'ops' }, unit: undefined, value: [1, 1] },
      { dimensions: { service: 'ops', job: 'backup' }, unit: undefined, value: [1, 1] },
    ]);
  });

  it.each([
    ['a plain log line', '{"level":30,"msg":"engine started"}'],
    ['text that is not JSON', 'engine: starting'],
    ['a JSON array', '[1,2]'],
  ])('finds no metric in %s', (_case, line) => {
    expect(readEmfMetrics(line)).toStrictEqual([]);
  });

  it.each([
    [
      'a dimension without its value',
      { Namespace: 'Trading', Dimensions: [['account']], Metrics: [{ Name: 'X' }] },
      { X: 1 },
    ],
    ['a metric without its value', { Namespace: 'Trading', Dimensions: [[]], Metrics: [{ Name: 'X' }] }, {}],
    ['a directive without a namespace', { Dimensions: [[]], Metrics: [{ Name: 'X' }] }, { X: 1 }],
  ])('refuses an EMF line with %s', (_case, directive, members) => {
    const line = JSON.stringify({ _aws: { Timestamp: 0, CloudWatchMetrics: [directive] }, ...members });
    expect(() => readEmfMetrics(line)).toThrow(EmfFormatError);
  });
});
