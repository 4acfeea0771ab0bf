/**
 * The engine process (node engine/main.ts) with `engine.cloudwatchMetrics` set, as in staging and
 * production: its EMF lines come out on stdout between its log lines, every line whole, on the
 * timer and once more on SIGTERM. An operator's kill switch closes a position the test opened at
 * the venue, so the lines carry an order and a tripped breaker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmfMetricReading, readEmfMetrics } from '../../../shared/metrics/emf.ts';
import {
  type EngineOnSimulator,
  pullKillSwitchOnAdoptedPosition,
  startEngineOnSimulator,
} from '../../support/engine-on-simulator.ts';
import { tempFolder } from '../../support/temp-files.ts';

const ACCOUNT = 'emf-process';

describe('EMF metrics on the engine process’s stdout (simulator, local store)', () => {
  const folder = tempFolder();
  let stack: EngineOnSimulator;

  beforeAll(async () => {
    stack = await startEngineOnSimulator({
      folder,
      tablePrefix: 'emf-process',
      account: ACCOUNT,
      seed: 12,
      cloudwatchMetrics: { intervalSeconds: 1 },
    });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    folder.remove();
  });

  it('writes whole EMF lines on its timer and on SIGTERM, with the order and breaker trip', async () => {
    // Act: a position the engine adopts from the venue, then the kill switch, which cancels and
    // flattens; the timer publishes every second.
    const { engine } = stack;
    await pullKillSwitchOnAdoptedPosition(stack, {
      clientOrderId: 'emf-process-manual-buy',
      reason: 'emf process test',
    });
    await engine.waitFor(/"_aws".*"CircuitBreakerOpen":1/, 20_000);
    await engine.waitFor(/"_aws".*"OrderLatency":\{"Values"/, 20_000);
    engine.child.kill('SIGTERM');
    expect(await engine.exited).toBe(0);

    // Assess: no line cut by another.
    const lines = engine.lines;
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    const published = lines.map((line) => readEmfMetrics(line));
    const readings = published.flat();
    expect(readings.length).toBeGreaterThan(0);
    for (const reading of readings) {
      expect(reading.namespace).toBe('Trading');
      expect(reading.dimensions).toStrictEqual({ service: 'engine', account: ACCOUNT });
    }
    const values = (name: string): EmfMetricReading['value'][] =>
      readings.filter(({ metricName }) => metricName === name).map(({ value }) => value);
    expect(values('EngineRunning').every((value) => value === 1)).toBe(true);
    expect(values('LeaseHeld')).toContain(1);
    expect(values('CircuitBreakerOpen')).toContain(1);
    expect(
      (values('OrdersSent') as number[]).reduce((total, sent) => total + sent, 0),
    ).toBeGreaterThanOrEqual(1);
    expect(values('OrderLatency').length).toBeGreaterThan(0);

    // Assess: one more publish on the way out, after the lease was released.
    const released = lines.findIndex((line) => line.includes('persistence drained and lease released'));
    const stopped = lines.findIndex((line) => line.includes('"msg":"engine stopped"'));
    expect(released).toBeGreaterThan(0);
    const last = published.slice(released, stopped).filter((line) => line.length > 0);
    expect(last.length).toBeGreaterThan(0);
    expect(last.at(-1)!.find(({ metricName }) => metricName === 'LeaseHeld')?.value).toBe(0);
  }, 90_000);
});
