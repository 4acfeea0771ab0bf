/**
 * The restart's position check through a real engine: persistence on dynalite, the simulator as
 * the broker, both over loopback. The store says AAPL 7 and MSFT 3; the broker holds AAPL 10.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineNotifier } from '../../../engine/notifications/engine-notifier.ts';
import { createPersistence } from '../../../engine/persistence/persistence.ts';
import { TradingEngine } from '../../../engine/trading-engine.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import { AlpacaTradingClient } from '../../../shared/broker/alpaca/trading-client.ts';
import { type Config, loadConfig } from '../../../shared/config/load-config.ts';
import { formatFixed, parseFixed } from '../../../shared/domain/fixed.ts';
import { systemClock } from '../../../shared/time/clock.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import { engineConfig, ROOT, storeReader } from '../../support/engine-process.ts';
import { buyAtVenue, SIM_CREDENTIALS } from '../../support/in-process-engine.ts';
import { tempFolder } from '../../support/temp-files.ts';

const credentials = SIM_CREDENTIALS;
const TABLE_PREFIX = 'restart-positions';
const ACCOUNT = 'restart-positions';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly symbol?: string;
  readonly kind?: string;
  readonly storedQty?: string;
  readonly brokerQty?: string;
}

/** An engine with persistence, started and reconciled with the broker, with its log lines and metrics. */
interface RestartedEngine {
  readonly engine: TradingEngine;
  readonly lines: LogLine[];
  readonly registry: Registry;
}

describe('Restart: stored positions compared with the broker’s (engine, dynalite, simulator)', () => {
  const folder = tempFolder();
  let simulator: Simulator;
  let dynamo: LocalDynamo;
  let broker: AlpacaTradingClient;
  let config: Config;
  /** Engines not yet stopped, for afterAll. */
  const running = new Set<TradingEngine>();

  beforeAll(async () => {
    simulator = await startSimulator({ market: 'scripted', symbols: ['AAPL', 'MSFT'] });
    dynamo = await startLocalDynamo({ tablePrefix: TABLE_PREFIX });
    broker = new AlpacaTradingClient({ baseUrl: simulator.baseUrl, credentials });
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
    for (const engine of running) await stop(engine);
    await broker?.close();
    await simulator?.close();
    await dynamo?.close();
    folder.remove();
  });

  async function restart(): Promise<RestartedEngine> {
    const lines: LogLine[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const registry = new Registry();
    let engine: TradingEngine | undefined;
    const persistence = createPersistence({
      store: config.system.store,
      accountName: ACCOUNT,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      registry,
      onLeaseLost: (loss) => engine?.onLeaseLost(loss.message),
    });
    engine = new TradingEngine({
      config,
      credentials,
      strategies: [],
      clock: systemClock,
      logger,
      registry,
      persistence,
      // No sink: its log line is the notification.
      notifier: new EngineNotifier({
        account: ACCOUNT,
        environment: config.system.environment,
        sinks: [],
        feedDownAfterMs: config.system.marketData.staleAfterMs,
        clock: systemClock,
        logger,
        registry,
      }),
    });
    running.add(engine);
    const reconciled = new Promise<void>((resolve) =>
      engine.risk.events.on('broker_state', ({ reconciled }) => reconciled && resolve()),
    );
    await engine.start();
    await reconciled;
    return { engine, lines, registry };
  }

  async function stop(engine: TradingEngine): Promise<void> {
    running.delete(engine);
    await engine.stop(5_000);
  }

  async function differencesMetric(registry: Registry): Promise<Record<string, number>> {
    const metric = await registry.getSingleMetric('engine_restart_position_differences')?.get();
    return Object.fromEntries(
      (metric?.values ?? []).map(({ labels, value }) => [String(labels.kind), value]),
    );
  }

  it('logs and counts each symbol the store had wrong, trades on the broker’s figures and stores them', async () => {
    simulator.market.setQuote('AAPL', { bidPrice: 100, askPrice: 100.02, bidSize: 500, askSize: 500 });
    await buyAtVenue(simulator, 'AAPL', '10', 'manual-buy-1');
    const reader = storeReader(dynamo, TABLE_PREFIX, ACCOUNT);
    for (const [symbol, qty] of [
      ['AAPL', '7'],
      ['MSFT', '3'],
    ] as const)
      await reader.store.putPosition({
        symbol,
        assetClass: 'us_equity',
        qty: parseFixed(qty),
        avgEntryPrice: parseFixed('100'),
        realizedPnl: parseFixed('0'),
        asOfMs: Date.now(),
      });
    await reader.close(100);

    const first = await restart();

    const reported = first.lines
      .filter((line) => line.level === 50 && line.msg.startsWith('restart:'))
      .map(({ symbol, kind, storedQty, brokerQty, msg }) => ({ symbol, kind, storedQty, brokerQty, msg }));
    expect(reported).toStrictEqual([
      {
        symbol: 'AAPL',
        kind: 'qty_differs',
        storedQty: '7',
        brokerQty: '10',
        msg: "restart: stored position in AAPL is 7, the broker holds 10; the broker's figure was taken",
      },
      {
        symbol: 'MSFT',
        kind: 'missing_at_broker',
        storedQty: '3',
        brokerQty: '0',
        msg: "restart: stored position in MSFT is 3, the broker holds 0; the broker's figure was taken",
      },
    ]);
    expect(
      first.lines
        .filter((line) => line.msg.startsWith('P1 restart:'))
        .map(({ level, msg }) => ({ level, msg })),
    ).toStrictEqual([{ level: 40, msg: 'P1 restart: 2 stored positions differed from the broker' }]);
    expect(await differencesMetric(first.registry)).toStrictEqual({
      missing_at_broker: 1,
      missing_in_store: 0,
      qty_differs: 1,
    });
    const atBroker = (await broker.listPositions()).map((position) => ({
      symbol: position.symbol,
      qty: formatFixed(position.qty),
      avgEntryPrice: formatFixed(position.avgEntryPrice),
    }));
    expect(atBroker).toStrictEqual([{ symbol: 'AAPL', qty: '10', avgEntryPrice: '100.02' }]);
    expect(first.engine.control().status().positions).toStrictEqual(atBroker);
    expect(first.engine.health().checks.reconciled).toBe('true');

    await stop(first.engine);
    const after = storeReader(dynamo, TABLE_PREFIX, ACCOUNT);
    const stored = (await after.store.listPositions()).items.map(({ symbol, qty }) => [
      symbol,
      formatFixed(qty),
    ]);
    await after.close(100);
    expect(stored).toStrictEqual([
      ['AAPL', '10'],
      ['MSFT', '0'],
    ]);

    // The next restart compares against the broker's figures the first one stored: nothing differs.
    const second = await restart();
    expect(second.lines.filter((line) => line.level === 50)).toStrictEqual([]);
    expect(second.lines.map((line) => line.msg)).toContain('restart: stored positions match the broker');
    expect(second.lines.filter((line) => line.msg.startsWith('P1 restart:'))).toStrictEqual([]);
    expect(await differencesMetric(second.registry)).toStrictEqual({
      missing_at_broker: 0,
      missing_in_store: 0,
      qty_differs: 0,
    });
  });
});
