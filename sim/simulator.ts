/**
 * Composition of the simulator: one node:http server on 127.0.0.1 whose requests and upgrades
 * are offered to each service in turn (market data, then trading), on wall time or on a
 * virtual clock that the caller drives with advanceTo. The market is generated, scripted, or
 * replayed from a recorded file.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type SlippageModel, slippageModelSchema } from '../shared/broker/alpaca/slippage-model.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../shared/broker/simulator-credentials.ts';
import { type Fixed, parseFixed } from '../shared/domain/fixed.ts';
import { createLogger, type Logger } from '../shared/logging/logger.ts';
import { type Clock, ManualClock, systemClock } from '../shared/time/clock.ts';
import { ClosedDates } from './closed-dates.ts';
import type { SimContext } from './context.ts';
import { ALPACA_REQUESTS_PER_MINUTE } from './http/rate-limiter.ts';
import { createMarket, type SimMarket } from './market/market.ts';
import { createMarketDataEndpoints, type MarketDataEndpoints } from './marketdata/market-data-endpoints.ts';
import {
  checkReplaySpeed,
  type Replay,
  type ReplayReport,
  type ReplaySpeed,
  replayFile,
} from './replay/replay.ts';
import type { SimService } from './service.ts';
import { TaskScheduler } from './trading/task-scheduler.ts';
import { createTradingService, type TradingService } from './trading/trading-service.ts';
import { advanceVirtualTime } from './virtual-time.ts';

export const DEFAULT_SYMBOLS: readonly string[] = ['AAPL', 'MSFT', 'SPY'];
export const DEFAULT_STARTING_CASH = '100000';

/** Market data read from a recorded file (docs/simulator.md "Replay format"), on wall time. */
export interface ReplayedMarket {
  /** Path of the NDJSON file. */
  readonly replay: string;
  /** N times the recorded pace, or 'max': as fast as possible. */
  readonly speed: ReplaySpeed;
}

export interface SimulatorOptions {
  /** 0 (the default) picks an ephemeral port. */
  readonly port?: number;
  readonly seed?: number;
  readonly symbols?: readonly string[];
  readonly messagesPerSecond?: number;
  /**
   * 'generated' (default): the seeded market generator runs. 'scripted': no generated data;
   * prices change only through market.setQuote or POST /admin/marketdata/quote, which makes
   * fills exactly predictable in tests. A ReplayedMarket: no generated data; the file's messages
   * are published from the first market-data stream subscription on (so a client that
   * subscribes after the start sees the file from its first line), and only the file's
   * symbols have quotes. Orders trade against them; `symbols` remains the tradable assets.
   */
  readonly market?: 'generated' | 'scripted' | ReplayedMarket;
  readonly keyId?: string;
  readonly secretKey?: string;
  readonly sessionHours?: 'always' | 'nyse';
  /**
   * One-off closures: New York dates (YYYY-MM-DD) with no session in either hours mode, as a
   * national day of mourning closes the exchange. More can be added at run time (POST
   * /admin/trading/calendar/closures). A value that is not a date throws a RangeError naming it.
   */
  readonly closedDates?: readonly string[];
  /** A ManualClock makes time virtual: nothing happens until advanceTo. Default: wall time. */
  readonly clock?: Clock;
  /**
   * A generated market on wall time only: this many minutes of it are generated at start, before
   * the server listens, so the historical bars, trades and quotes reach back that far. Default 0.
   */
  readonly historyMinutes?: number;
  /** Delay before an order, cancel or replace takes effect at the venue. Default 0. */
  readonly latencyMs?: number;
  readonly slippage?: Partial<SlippageModel>;
  /** Decimal dollars the account starts with. Default 100000. */
  readonly startingCash?: string;
  /** Trading REST quota per key. Default 200, Alpaca's. */
  readonly rateLimitPerMinute?: number;
  /** Market-data REST quota per key, a budget apart from trading's. Default 200, Alpaca's Basic plan. */
  readonly dataRateLimitPerMinute?: number;
  /**
   * Market-data connections per key on one endpoint. Default 1, Alpaca's; a test of two engine
   * processes raises it because a paused process still holds its socket.
   */
  readonly marketDataConnectionsPerKey?: number;
  readonly logger?: Logger;
}

export interface Simulator {
  readonly port: number;
  /** Trading REST base, e.g. http://127.0.0.1:PORT (requests go to baseUrl + '/v2/...'). */
  readonly baseUrl: string;
  /** ws://127.0.0.1:PORT/stream */
  readonly tradeUpdatesUrl: string;
  readonly context: SimContext;
  /** The market both halves trade and publish; setQuote moves a price now. */
  readonly market: SimMarket;
  readonly trading: TradingService;
  /** The one-off closures in force; adding or clearing one moves the session boundaries. */
  readonly closedDates: ClosedDates;
  /**
   * A replayed market only: the replay's report once the file is exhausted (or the simulator
   * closed), or its failure if the file could not be read.
   */
  readonly replayDone: Promise<ReplayReport> | undefined;
  /**
   * Virtual time only: moves the clock to `epochMs`, running the market, order latency,
   * expiries and auctions in time order on the way. Each scheduled task runs at its own
   * instant and each quote is matched at its own timestamp. Throws on wall time (a caller bug).
   */
  advanceTo(epochMs: number): void;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function refuseUpgrade(socket: Duplex): void {
  socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
}

/**
 * Starts the replay at the first stream subscription: started with the simulator, a fast
 * replay would be over before any client could connect.
 */
function replayOnFirstSubscription(
  market: SimMarket,
  marketData: MarketDataEndpoints,
  replayed: ReplayedMarket,
): { readonly done: Promise<ReplayReport>; stop(): void } {
  let replay: Replay | undefined;
  const done = new Promise<ReplayReport>((resolve, reject) => {
    const detach = marketData.onSubscribe(() => {
      detach();
      replay = replayFile(market, replayed.replay, replayed.speed);
      replay.done.then(resolve, reject);
    });
  });
  return { done, stop: () => replay?.stop() };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = options.clock ?? systemClock;
  const virtual = clock instanceof ManualClock ? clock : undefined;
  const context: SimContext = {
    clock,
    seed: options.seed ?? 1,
    symbols: options.symbols ?? DEFAULT_SYMBOLS,
    messagesPerSecond: options.messagesPerSecond ?? 1000,
    credentials: {
      keyId: options.keyId ?? DEFAULT_SIM_KEY_ID,
      secretKey: options.secretKey ?? DEFAULT_SIM_SECRET_KEY,
    },
    sessionHours: options.sessionHours ?? 'always',
  };
  const logger = options.logger ?? createLogger({ name: 'sim', level: 'warn' });
  const startingCash: Fixed = parseFixed(options.startingCash ?? DEFAULT_STARTING_CASH);
  const closedDates = new ClosedDates(options.closedDates);
  const scheduler = new TaskScheduler(clock, virtual === undefined);
  const marketKind = options.market ?? 'generated';
  const replayed = typeof marketKind === 'object' ? marketKind : undefined;
  if (replayed !== undefined) {
    if (virtual !== undefined) {
      throw new Error(
        'a replayed market runs on wall time; on a ManualClock use market.addSource(ReplaySource)',
      );
    }
    // Here, not at the first subscription, where a throw would land in a socket handler.
    checkReplaySpeed(replayed.speed);
  }
  const history = virtual === undefined && marketKind === 'generated' ? (options.historyMinutes ?? 0) : 0;
  // A replayed market starts without symbols, so no seeded opening quote is there to trade against.
  const market = createMarket(replayed === undefined ? context : { ...context, symbols: [] }, {
    generate: marketKind === 'generated',
    closedDates,
    ...(history > 0 ? { historyMinutes: history } : {}),
  });
  // Runs the past at once: no order rests yet, and no client listens before the server does.
  if (history > 0) market.advanceTo(context.clock.nowMs());
  if (virtual !== undefined) {
    // Registered before the trading service's listener: the clock reads each quote's own time
    // while the engine matches it, so fills carry the quote's timestamp, not the step's end.
    market.onQuote((quote) => {
      if (quote.timestampUs > virtual.nowUs()) virtual.advanceUs(quote.timestampUs - virtual.nowUs());
    });
  }
  const trading = createTradingService({
    context,
    quotes: market,
    scheduler,
    latencyMs: options.latencyMs ?? 0,
    slippage: slippageModelSchema.parse(options.slippage ?? {}),
    startingCash,
    rateLimitPerMinute: options.rateLimitPerMinute ?? ALPACA_REQUESTS_PER_MINUTE,
    closedDates,
    logger,
  });
  // CTS 2 / UTP H: halted; any other status (3 / T) lets orders on the symbol trade again.
  market.onStatus((status) =>
    trading.engine.setHalted(status.symbol, status.statusCode === 'H' || status.statusCode === '2'),
  );
  const marketData = createMarketDataEndpoints(context, market, {
    logger,
    stream: { connectionsPerKey: options.marketDataConnectionsPerKey ?? 1 },
    rateLimitPerMinute: options.dataRateLimitPerMinute ?? ALPACA_REQUESTS_PER_MINUTE,
  });
  const services: SimService[] = [marketData, trading];
  const replay = replayed === undefined ? undefined : replayOnFirstSubscription(market, marketData, replayed);

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    for (const service of services) if (service.handleRequest(request, response, url)) return;
    response.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify({ code: 40410000, message: 'endpoint not found' }));
  });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    for (const service of services) if (service.handleUpgrade(request, socket, head, url)) return;
    refuseUpgrade(socket);
  });
  const port = await listen(server, options.port ?? 0);
  if (virtual === undefined) market.start();

  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    tradeUpdatesUrl: `ws://127.0.0.1:${port}/stream`,
    context,
    market,
    trading,
    closedDates,
    replayDone: replay?.done,
    advanceTo(epochMs) {
      if (virtual === undefined) throw new Error('advanceTo needs a ManualClock (virtual time)');
      advanceVirtualTime(virtual, scheduler, market, epochMs);
    },
    async close() {
      replay?.stop();
      market.stop();
      scheduler.close();
      await Promise.all(services.map((service) => service.close()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
