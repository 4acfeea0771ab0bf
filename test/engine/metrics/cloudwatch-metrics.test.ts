/**
 * The engine's CloudWatch metrics from a real engine in this process: persistence and lease on
 * dynalite, the simulator as broker and feed, both over loopback. A strategy buys once, an
 * operator pulls the kill switch, someone releases the engine's lease; after each, the EMF lines
 * the engine wrote (captured through its injectable sink) are read back and checked against the
 * contract in engine/metrics/engine-metrics.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CloudWatchMetricsPublisher,
  startCloudWatchMetrics,
} from '../../../engine/metrics/cloudwatch-metrics-publisher.ts';
import { ENGINE_METRIC_UNITS, ENGINE_METRICS } from '../../../engine/metrics/engine-metrics.ts';
import { createPersistence, type Persistence } from '../../../engine/persistence/persistence.ts';
import { TradingEngine } from '../../../engine/trading-engine.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import { type Config, loadConfig } from '../../../shared/config/load-config.ts';
import { fixedFromNumber, fixedToNumber, parseFixed } from '../../../shared/domain/fixed.ts';
import type { Quote } from '../../../shared/domain/market-data.ts';
import {
  type EmfDistributionValue,
  type EmfMetricReading,
  readEmfMetrics,
} from '../../../shared/metrics/emf.ts';
import { createDocumentClient } from '../../../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../../../shared/store/dynamo-lease-store.ts';
import type { Strategy, StrategyContext } from '../../../shared/strategies/strategy.ts';
import { systemClock } from '../../../shared/time/clock.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import { engineConfig, ROOT } from '../../support/engine-process.ts';
import { SIM_CREDENTIALS } from '../../support/in-process-engine.ts';
import { tempFolder } from '../../support/temp-files.ts';

const ACCOUNT = 'emf-in-process';
const TABLE_PREFIX = 'emf-metrics';
const CONTRACT_NAMES = Object.values(ENGINE_METRICS);

/** Buys one AAPL at the ask on the first quote, once. */
class OneBuy implements Strategy {
  readonly id = 'one-buy';
  readonly symbols = ['AAPL'];
  sent = false;

  onQuote(quote: Quote, context: StrategyContext): void {
    if (this.sent) return;
    this.sent = true;
    const price = fixedFromNumber(quote.askPrice);
    context.submit({
      intentId: 'emf-buy-1',
      strategyId: this.id,
      symbol: 'AAPL',
      assetClass: 'us_equity',
      side: 'buy',
      qty: parseFixed('1'),
      type: 'limit',
      timeInForce: 'day',
      limitPrice: price,
      referencePrice: price,
      purpose: 'entry',
      createdAtMs: context.nowMs(),
    });
  }
}

/** One publish's metrics by name. */
type Published = ReadonlyMap<string, EmfMetricReading>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('CloudWatch metrics of a running engine (in process; dynalite and the simulator over loopback)', () => {
  const folder = tempFolder();
  let simulator: Simulator;
  let dynamo: LocalDynamo;
  let config: Config;
  let persistence: Persistence | undefined;
  let engine: TradingEngine | undefined;
  let publisher: CloudWatchMetricsPublisher | undefined;
  const lines: string[] = [];

  beforeAll(async () => {
    simulator = await startSimulator({ market: 'scripted', symbols: ['AAPL', 'MSFT'] });
    dynamo = await startLocalDynamo({ tablePrefix: TABLE_PREFIX });
    folder.write('risk_limits.toml', readFileSync(join(ROOT, 'config/risk_limits.toml'), 'utf8'));
    const systemFile = folder.write(
      'system.json',
      engineConfig({
        simulatorPort: simulator.port,
        dynamo,
        tablePrefix: TABLE_PREFIX,
        account: ACCOUNT,
        strategies: [],
      }),
    );
    config = loadConfig({ systemFile, env: {} });
  });

  afterAll(async () => {
    publisher?.stop();
    await engine?.stop(2_000);
    await simulator?.close();
    await dynamo?.close();
    folder.remove();
  });

  /** Publishes now and reads back what this publish wrote. */
  function publish(): Published {
    const from = lines.length;
    publisher!.publish();
    const readings = lines.slice(from).flatMap((line) => readEmfMetrics(line));
    return new Map(readings.map((reading) => [reading.metricName, reading]));
  }

  function value(published: Published, name: string): number {
    const reading = published.get(name);
    expect(reading, `${name} published`).toBeDefined();
    expect(typeof reading!.value, `${name} is a number`).toBe('number');
    return reading!.value as number;
  }

  it('publishes every metric of the contract, with values that follow what the engine does', async () => {
    // Prepare: the engine with its store, lease and a strategy that buys once.
    const buyer = new OneBuy();
    let built: TradingEngine | undefined;
    persistence = createPersistence({
      store: config.system.store,
      accountName: ACCOUNT,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
      onLeaseLost: (loss) => built?.onLeaseLost(loss.message),
      lease: { ttlMs: 1_500, renewEveryMs: 500, safetyMarginMs: 375 },
    });
    built = new TradingEngine({
      config,
      credentials: SIM_CREDENTIALS,
      strategies: [buyer],
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
      persistence,
    });
    engine = built;
    publisher = startCloudWatchMetrics({
      engine,
      persistence,
      config,
      // Longer than the test: every publish here is the test's own.
      intervalSeconds: 300,
      clock: systemClock,
      write: (line) => lines.push(line),
      logger: pino({ level: 'silent' }),
    });
    const reconciled = new Promise<void>((resolve) =>
      engine!.risk.events.on('broker_state', ({ reconciled }) => reconciled && resolve()),
    );
    await engine.start();
    await reconciled;

    // Act: quotes until the buy is answered, publishing as a timer would.
    const beforeOrder: Published[] = [];
    let answered: Published | undefined;
    for (let tries = 0; answered === undefined && tries < 200; tries++) {
      simulator.market.setQuote('AAPL', { bidPrice: 100, askPrice: 100.02, bidSize: 500, askSize: 500 });
      await sleep(25);
      const published = publish();
      if (published.has(ENGINE_METRICS.orderLatency)) answered = published;
      else beforeOrder.push(published);
    }

    // Assess: the order's interval.
    expect(answered, 'a publish with the order answer').toBeDefined();
    const sentBefore = beforeOrder.reduce((total, published) => total + value(published, 'OrdersSent'), 0);
    expect(sentBefore + value(answered!, 'OrdersSent')).toBe(1);
    expect(value(answered!, 'OrdersFailed')).toBe(0);
    const latency = answered!.get('OrderLatency')!.value as EmfDistributionValue;
    expect(latency.Counts.reduce((total, count) => total + count, 0)).toBe(1);
    expect(latency.Values[0]).toBeGreaterThan(0);
    expect(latency.Values[0]).toBeLessThan(10_000);
    expect(value(answered!, 'EngineRunning')).toBe(1);
    expect(value(answered!, 'LeaseHeld')).toBe(1);
    expect(value(answered!, 'LeaseLost')).toBe(0);
    expect(value(answered!, 'CircuitBreakerOpen')).toBe(0);
    expect(value(answered!, 'FeedDisconnectedSeconds')).toBe(0);
    expect(value(answered!, 'WriteBehindQueueDepth')).toBeGreaterThanOrEqual(0);
    const all = [...beforeOrder, answered!];
    expect(
      all.reduce((total, published) => total + value(published, 'MarketDataMessages'), 0),
    ).toBeGreaterThan(0);
    const lags = all.flatMap((published) => (published.has('FeedLag') ? [value(published, 'FeedLag')] : []));
    expect(lags.length).toBeGreaterThan(0);
    expect(lags.every((lag) => Math.abs(lag) < 1_000)).toBe(true);

    // Act: the operator's kill switch trips (halts) the breaker.
    const killed = await engine
      .control()
      .killSwitch({ role: 'operator', operator: 'emf-test', reason: 'trip the breaker' });
    expect(killed).toMatchObject({ ok: true });
    const tripped = publish();

    // Assess
    expect(value(tripped, 'CircuitBreakerOpen')).toBe(1);
    expect(value(tripped, 'GrossExposure')).toBeGreaterThanOrEqual(0);
    const pnl = value(tripped, 'DailyPnl');
    expect(Math.abs(pnl)).toBeLessThan(1_000);
    const lossPct = value(tripped, 'DailyLossPctOfLimit');
    expect(lossPct).toBeGreaterThanOrEqual(0);
    expect(lossPct).toBe(pnl < 0 ? (-pnl / fixedToNumber(config.risk.loss.daily_loss_limit_usd)) * 100 : 0);

    // Act: someone else releases the lease; the engine loses it at its next renewal.
    const client = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
    try {
      const leases = new DynamoLeaseStore({ client, table: dynamo.tables.lease, account: ACCOUNT });
      const holding = { holderId: persistence.lease.holderId, fencingToken: persistence.lease.fencingToken! };
      expect(await leases.release(holding, Date.now(), 'emf test')).toStrictEqual({ ok: true });
    } finally {
      client.destroy();
    }
    for (let tries = 0; persistence.lease.state !== 'lost' && tries < 100; tries++) await sleep(50);
    const lost = publish();
    const afterLoss = publish();

    // Assess: counted in the interval it happened, once.
    expect(value(lost, 'LeaseHeld')).toBe(0);
    expect(value(lost, 'LeaseLost')).toBe(1);
    expect(value(afterLoss, 'LeaseLost')).toBe(0);

    // Act: the last publish, on stop.
    const before = lines.length;
    publisher.stop();
    publisher.stop();

    // Assess: once, and every metric of the contract somewhere, each always as the contract says.
    expect(lines.length - before).toBe(1);
    const readings = lines.flatMap((line) => readEmfMetrics(line));
    expect(new Set(readings.map(({ metricName }) => metricName))).toStrictEqual(new Set(CONTRACT_NAMES));
    const unitOf = new Map(
      Object.entries(ENGINE_METRICS).map(([key, name]) => [
        name,
        ENGINE_METRIC_UNITS[key as keyof typeof ENGINE_METRICS],
      ]),
    );
    for (const reading of readings) {
      expect(reading.namespace).toBe('Trading');
      expect(reading.dimensions).toStrictEqual({ service: 'engine', account: ACCOUNT });
      expect(reading.unit, reading.metricName).toBe(
        unitOf.get(reading.metricName as (typeof CONTRACT_NAMES)[number]),
      );
    }
    expect(
      readings.filter(({ metricName }) => metricName === 'EngineRunning').every(({ value }) => value === 1),
    ).toBe(true);
    const eventLoop = readings.filter(({ metricName }) => metricName === 'EventLoopDelay');
    expect(eventLoop.every(({ value }) => typeof value === 'number' && value >= 0 && value < 10_000)).toBe(
      true,
    );
  });
});
