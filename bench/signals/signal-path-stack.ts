/**
 * The signal path laid out as `npm start` runs it, for a test or a benchmark to watch: the local
 * stack (dynalite, fauxqs, the signal function behind the local event source) in a process of its
 * own, and in this process the simulator (venue) and an engine with the model-driven strategy in
 * its signal-function mode, its SQS clients pointed at the local stack through the override npm
 * start sets. The model is the return model (test/support/return-model.ts), whose verdicts are
 * known: a bar 0.4 % above the one before says long, 0.4 % below says flat (no shorting). Bars
 * enter the engine where its feed hands messages over (MarketDataDispatch.onData), with minutes
 * after the simulator's own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { Registry } from 'prom-client';
import { MarketDataDispatch } from '../../engine/strategy/market-data-dispatch.ts';
import { TradingEngine } from '../../engine/trading-engine.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../shared/broker/simulator-credentials.ts';
import { loadConfig } from '../../shared/config/load-config.ts';
import { parseFixed } from '../../shared/domain/fixed.ts';
import type { OrderIntent } from '../../shared/domain/order.ts';
import { ModelDriven } from '../../shared/strategies/model-driven.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { returnModel } from '../../test/support/return-model.ts';
import { minuteBar } from '../../test/support/signals/signal-queues.ts';

const ROOT = join(import.meta.dirname, '../..');
const CREDENTIALS = { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY };
export const STRATEGY_ID = 'model';
/** The bar after a lower one closes this much higher: the return model's long at full strength. */
export const UP = 1.004;

export interface SignalPathStackOptions {
  readonly symbol: string;
  readonly price: number;
  /** Lines of config/risk_limits.toml replaced (`key = value`). */
  readonly risk?: Readonly<Record<string, string>>;
  /** Changes to the shipped `signals` section (e.g. poll settings). */
  readonly signals?: (section: Record<string, unknown>) => void;
  /** Trading REST requests per minute the simulator allows (Alpaca's 200 by default). */
  readonly venueRequestsPerMinute?: number;
}

export interface SignalPathStack {
  readonly simulator: Simulator;
  readonly localStack: LocalStackProcess;
  readonly engine: TradingEngine;
  readonly registry: Registry;
  /** Every order the engine sent, with the time (performance.now()) it went out. */
  readonly sent: { readonly intent: OrderIntent; readonly atMs: number }[];
  /**
   * A closed bar `minutesAhead` after the current minute, closing at the stack's price (or at
   * `UP` times it), enters the engine; answers its startUs.
   */
  bar(minutesAhead: number, up?: boolean): number;
  /** Resolves at the engine's next execution event (order sent, fill booked…) or after `maxWaitMs`. */
  nextEvent(maxWaitMs: number): Promise<void>;
  close(): Promise<void>;
}

interface LocalStackProcess {
  readonly dynamoEndpoint: string;
  readonly sqsEndpoint: string;
  close(): Promise<void>;
}

async function startLocalStackProcess(
  systemFile: string,
  symbol: string,
  env: Record<string, string>,
): Promise<LocalStackProcess> {
  const child = spawn(
    process.execPath,
    [
      join(import.meta.dirname, 'signal-function-process.ts'),
      '--config',
      systemFile,
      '--strategy',
      STRATEGY_ID,
      '--symbols',
      symbol,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const started = new Promise<RegExpExecArray>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /"endpoint":"(http:[^"]+)".*"sqsEndpoint":"(http:[^"]+)".*local stack started/.exec(line);
      if (match !== null) resolve(match);
    });
    void exited.then(() => reject(new Error('the local stack process exited while starting')));
  });
  const [, dynamoEndpoint, sqsEndpoint] = await started;
  return {
    dynamoEndpoint: dynamoEndpoint!,
    sqsEndpoint: sqsEndpoint!,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function untilTrading(engine: TradingEngine, symbol: string): Promise<void> {
  const giveUpAt = Date.now() + 20_000;
  while (engine.health().status !== 'ok' || engine.marketData.topOfBook(symbol) === undefined) {
    if (Date.now() > giveUpAt) throw new Error(`engine not trading: ${JSON.stringify(engine.health())}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startSignalPathStack(options: SignalPathStackOptions): Promise<SignalPathStack> {
  const { symbol } = options;
  const folder = mkdtempSync(join(tmpdir(), 'signal-path-'));
  const simulator = await startSimulator({
    port: 0,
    seed: 7,
    symbols: [symbol],
    messagesPerSecond: 200,
    rateLimitPerMinute: options.venueRequestsPerMinute ?? 200,
  });
  // Held at the price the bars close at, and re-sent so risk's reference price never goes stale.
  const quote = () =>
    simulator.market.setQuote(
      symbol,
      { bidPrice: options.price, askPrice: options.price + 0.02 },
      { hold: true },
    );
  quote();
  const quotes = setInterval(quote, 200);

  let risk = readFileSync(join(ROOT, 'config/risk_limits.toml'), 'utf8');
  for (const [key, value] of Object.entries(options.risk ?? {}))
    risk = risk.replace(new RegExp(`^${key} = .*$`, 'm'), `${key} = ${value}`);
  writeFileSync(join(folder, 'risk_limits.toml'), risk);
  const system = JSON.parse(readFileSync(join(ROOT, 'config/system.json'), 'utf8'));
  delete system.simulator;
  system.marketData.symbols = [symbol];
  system.strategies = [];
  system.engine.http.port = 0;
  system.account.name = 'signal-path';
  system.store.tablePrefix = 'signal-path';
  options.signals?.(system.signals);
  const systemFile = join(folder, 'system.json');
  writeFileSync(systemFile, JSON.stringify(system));
  const base = `127.0.0.1:${simulator.port}`;
  const brokerEnv = {
    TRADING_BROKER_TRADING_URL: `http://${base}`,
    TRADING_BROKER_DATA_URL: `http://${base}`,
    TRADING_BROKER_TRADING_STREAM_URL: `ws://${base}/stream`,
    TRADING_BROKER_MARKET_DATA_STREAM_URL: `ws://${base}/v2/iex`,
    TRADING_BROKER_CRYPTO_DATA_STREAM_URL: `ws://${base}/v1beta3/crypto/us`,
  };
  const logger = pino({ level: 'silent' });
  const localStack = await startLocalStackProcess(systemFile, symbol, brokerEnv);

  const registry = new Registry();
  const strategy = new ModelDriven({
    id: STRATEGY_ID,
    symbols: [symbol],
    model: returnModel(),
    runsIn: 'signal-function',
    maxPositionNotional: parseFixed('1000'),
    minConfidence: 0,
    rebalanceFraction: 0.25,
    allowShort: false,
  });
  const engine = new TradingEngine({
    config: loadConfig({
      systemFile,
      env: {
        ...brokerEnv,
        TRADING_DYNAMODB_ENDPOINT: localStack.dynamoEndpoint,
        TRADING_SQS_ENDPOINT: localStack.sqsEndpoint,
      },
    }),
    credentials: CREDENTIALS,
    strategies: [strategy],
    clock: systemClock,
    logger,
    registry,
  });
  const sent: { intent: OrderIntent; atMs: number }[] = [];
  const waiters: (() => void)[] = [];
  engine.execution.events.subscribe((event) => {
    if (event.type === 'order_sending') sent.push({ intent: event.intent, atMs: performance.now() });
    for (const wake of waiters.splice(0)) wake();
  });
  await engine.start();
  await untilTrading(engine, symbol);

  const dispatch = new MarketDataDispatch(engine.marketData, engine.risk, engine.strategies, [symbol]);
  const firstMinute = Math.floor(Date.now() / 60_000) + 2;
  return {
    simulator,
    localStack,
    engine,
    registry,
    sent,
    bar(minutesAhead, up = false) {
      const bar = minuteBar(symbol, firstMinute + minutesAhead, up ? options.price * UP : options.price);
      dispatch.onData([{ type: 'bar', ...bar }], Date.now() * 1_000);
      return bar.startUs;
    },
    nextEvent(maxWaitMs) {
      return new Promise((resolve) => {
        const timer = setTimeout(wake, maxWaitMs);
        function wake(): void {
          clearTimeout(timer);
          const index = waiters.indexOf(wake);
          if (index >= 0) waiters.splice(index, 1);
          resolve();
        }
        waiters.push(wake);
      });
    },
    async close() {
      clearInterval(quotes);
      await engine.stop(5_000);
      await localStack.close();
      await simulator.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
