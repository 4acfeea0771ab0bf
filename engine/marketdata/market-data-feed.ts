/**
 * Wiring for engine/main.ts: the feed clients (one per stream: stocks and crypto), the
 * market-data service they feed, the REST history client for backfills, the metrics, and the
 * timer that closes trade-built bars. No logic a test would want to reach lives here.
 */
import type { Registry } from 'prom-client';
import { isCryptoSymbol } from '../../shared/domain/symbol.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import type { Clock } from '../../shared/time/clock.ts';
import {
  FeedClient,
  type FeedClientOptions,
  type FeedListener,
  type FeedSubscription,
} from './feed-client.ts';
import { FeedMetrics } from './feed-metrics.ts';
import { MarketDataHistoryClient } from './history-client.ts';
import { MarketDataService, type MarketDataServiceOptions } from './market-data-service.ts';

export interface MarketDataFeedOptions {
  /** Full stream URLs, e.g. wss://stream.data.alpaca.markets/v2/iex and …/v1beta3/crypto/us */
  readonly stockStreamUrl: string;
  readonly cryptoStreamUrl: string;
  /** Market-data REST base for backfills, e.g. https://data.alpaca.markets */
  readonly dataUrl: string;
  readonly stockFeed: string;
  readonly symbols: readonly string[];
  readonly staleAfterMs: number;
  readonly keyId: string;
  readonly secretKey: string;
  readonly clock: Clock;
  readonly registry?: Registry;
  readonly logger?: Logger;
  /** Symbols whose minute bars are built from trades rather than taken from the bar channel. */
  readonly tradeBarSymbols?: readonly string[];
  readonly onBar?: MarketDataServiceOptions['onBar'];
  readonly onTrade?: MarketDataServiceOptions['onTrade'];
  /**
   * The feeds' listener, given the service (e.g. a dispatcher that updates the service, then risk
   * and strategies). Default: the service alone.
   */
  readonly listenerFor?: (service: MarketDataService) => FeedListener;
  /** Reconnect and liveness tuning (defaults suit Alpaca). */
  readonly connection?: Partial<
    Pick<FeedClientOptions, 'backoff' | 'connectionLimitDelayMs' | 'silenceTimeoutMs' | 'random' | 'timers'>
  >;
}

export interface MarketDataFeed {
  readonly service: MarketDataService;
  readonly metrics: FeedMetrics;
  readonly clients: readonly FeedClient[];
  stop(): Promise<void>;
}

/** Late trades for a minute still count for this long after it ends. */
const TRADE_BAR_GRACE_MS = 2_000;

export function startMarketDataFeed(options: MarketDataFeedOptions): MarketDataFeed {
  const metrics = new FeedMetrics();
  if (options.registry !== undefined) metrics.register(options.registry, options.clock);
  const tradeBarSymbols = new Set(options.tradeBarSymbols ?? []);
  const service = new MarketDataService({
    clock: options.clock,
    metrics,
    symbols: options.symbols,
    staleAfterMs: options.staleAfterMs,
    feedBarSymbols: options.symbols.filter((symbol) => !tradeBarSymbols.has(symbol)),
    tradeBarSymbols: [...tradeBarSymbols],
    history: new MarketDataHistoryClient({
      baseUrl: options.dataUrl,
      keyId: options.keyId,
      secretKey: options.secretKey,
      stockFeed: options.stockFeed,
    }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.onBar === undefined ? {} : { onBar: options.onBar }),
    ...(options.onTrade === undefined ? {} : { onTrade: options.onTrade }),
  });
  const stocks = options.symbols.filter((symbol) => !isCryptoSymbol(symbol));
  const crypto = options.symbols.filter(isCryptoSymbol);
  const streams: [string, FeedSubscription][] = [];
  if (stocks.length > 0)
    streams.push([
      options.stockStreamUrl,
      {
        trades: stocks,
        quotes: stocks,
        bars: stocks,
        updatedBars: stocks,
        dailyBars: stocks,
        statuses: stocks,
        lulds: stocks,
      },
    ]);
  if (crypto.length > 0)
    streams.push([
      options.cryptoStreamUrl,
      {
        trades: crypto,
        quotes: crypto,
        bars: crypto,
        updatedBars: crypto,
        dailyBars: crypto,
        orderbooks: crypto,
      },
    ]);
  const listener = options.listenerFor?.(service) ?? service;
  const clients = streams.map(
    ([url, subscription]) =>
      new FeedClient({
        url,
        keyId: options.keyId,
        secretKey: options.secretKey,
        subscription,
        clock: options.clock,
        metrics,
        ...(options.logger === undefined ? {} : { logger: options.logger }),
        ...options.connection,
        listener,
      }),
  );
  for (const client of clients) client.start();
  const barTimer =
    tradeBarSymbols.size === 0
      ? undefined
      : setInterval(() => service.closeTradeBars((options.clock.nowMs() - TRADE_BAR_GRACE_MS) * 1000), 1_000);
  return {
    service,
    metrics,
    clients,
    async stop() {
      clearInterval(barTimer);
      await Promise.all(clients.map((client) => client.stop()));
      await service.settled();
    },
  };
}
