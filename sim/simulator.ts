/**
 * Composition of the simulator: one node:http server on 127.0.0.1 whose requests and upgrades
 * are offered to each service in turn (market data, then trading), on wall time or on a
 * virtual clock that the caller drives with advanceTo.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type SlippageModel, slippageModelSchema } from '../shared/broker/alpaca/slippage-model.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../shared/broker/simulator-credentials.ts';
import { type Fixed, parseFixed } from '../shared/domain/fixed.ts';
import { createLogger, type Logger } from '../shared/logging/logger.ts';
import { type Clock, ManualClock, systemClock } from '../shared/time/clock.ts';
import type { SimContext } from './context.ts';
import { createMarket, type SimMarket } from './market/market.ts';
import { createMarketDataService } from './marketdata/market-data-service.ts';
import type { SimService } from './service.ts';
import { TaskScheduler } from './trading/task-scheduler.ts';
import { createTradingService, type TradingService } from './trading/trading-service.ts';

export const DEFAULT_SYMBOLS: readonly string[] = ['AAPL', 'MSFT', 'SPY'];
export const DEFAULT_STARTING_CASH = '100000';

export interface SimulatorOptions {
  /** 0 (the default) picks an ephemeral port. */
  readonly port?: number;
  readonly seed?: number;
  readonly symbols?: readonly string[];
  readonly messagesPerSecond?: number;
  /**
   * 'generated' (default): the seeded market generator runs. 'scripted': no generated data;
   * prices change only through market.setQuote or POST /admin/marketdata/quote, which makes
   * fills exactly predictable in tests.
   */
  readonly market?: 'generated' | 'scripted';
  readonly keyId?: string;
  readonly secretKey?: string;
  readonly sessionHours?: 'always' | 'nyse';
  /** A ManualClock makes time virtual: nothing happens until advanceTo. Default: wall time. */
  readonly clock?: Clock;
  /** Delay before an order, cancel or replace takes effect at the venue. Default 0. */
  readonly latencyMs?: number;
  readonly slippage?: Partial<SlippageModel>;
  /** Decimal dollars the account starts with. Default 100000. */
  readonly startingCash?: string;
  /** Trading REST quota per key. Default 200, Alpaca's. */
  readonly rateLimitPerMinute?: number;
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
  const scheduler = new TaskScheduler(clock, virtual === undefined);
  const market = createMarket(context, { generate: (options.market ?? 'generated') === 'generated' });
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
    rateLimitPerMinute: options.rateLimitPerMinute ?? 200,
    logger,
  });
  // CTS 2 / UTP H: halted; any other status (3 / T) lets orders on the symbol trade again.
  market.onStatus((status) =>
    trading.engine.setHalted(status.symbol, status.statusCode === 'H' || status.statusCode === '2'),
  );
  const services: SimService[] = [
    createMarketDataService(context, market, {
      logger,
      stream: { connectionsPerKey: options.marketDataConnectionsPerKey ?? 1 },
    }),
    trading,
  ];

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
    advanceTo(epochMs) {
      if (virtual === undefined) throw new Error('advanceTo needs a ManualClock (virtual time)');
      if (epochMs < virtual.nowMs()) throw new RangeError('the clock never goes backwards');
      for (
        let due = scheduler.nextDueMs();
        due !== undefined && due <= epochMs;
        due = scheduler.nextDueMs()
      ) {
        const step = Math.max(due, virtual.nowMs());
        market.advanceTo(step);
        virtual.setMs(step);
        scheduler.runDue();
      }
      market.advanceTo(epochMs);
      virtual.setMs(epochMs);
      scheduler.runDue();
    },
    async close() {
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
