/**
 * The market-data half of the simulator behind the shared HTTP server: the stream endpoints
 * (/v2/iex, /v2/sip, /v2/delayed_sip, /v2/test, /v1beta3/crypto/us), the data REST API
 * (/v2/stocks/..., /v1beta3/crypto/us/...) and the admin interface (/admin/marketdata/...).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createLogger, type Logger } from '../../shared/logging/logger.ts';
import type { SimContext } from '../context.ts';
import { ALPACA_REQUESTS_PER_MINUTE, RateLimiter } from '../http/rate-limiter.ts';
import type { SimMarket } from '../market/market.ts';
import type { SimService } from '../service.ts';
import { MarketDataAdmin } from './market-data-admin.ts';
import { MarketDataRest } from './market-data-rest.ts';
import { DEFAULT_STREAM_OPTIONS, type StreamOptions, StreamServer } from './stream-server.ts';

export interface MarketDataEndpointsOptions {
  readonly stream?: Partial<StreamOptions>;
  /** Data REST quota per key, apart from the trading API's. Default 200, Alpaca's Basic plan. */
  readonly rateLimitPerMinute?: number;
  readonly logger?: Logger;
}

export interface MarketDataEndpoints extends SimService {
  /** Called after each accepted stream subscribe; returns a function that detaches the listener. */
  onSubscribe(listener: () => void): () => void;
}

export function createMarketDataEndpoints(
  context: SimContext,
  market: SimMarket,
  options: MarketDataEndpointsOptions = {},
): MarketDataEndpoints {
  const logger = options.logger ?? createLogger({ name: 'sim.marketdata' });
  const stream = new StreamServer(context, market, { ...DEFAULT_STREAM_OPTIONS, ...options.stream }, logger);
  const limiter = new RateLimiter(context.clock, options.rateLimitPerMinute ?? ALPACA_REQUESTS_PER_MINUTE);
  const rest = new MarketDataRest(context, market, limiter);
  const admin = new MarketDataAdmin(market, () => stream.connections, stream.stats);
  return {
    onSubscribe: (listener) => stream.onSubscribe(listener),
    handleRequest(request: IncomingMessage, response: ServerResponse, url: URL): boolean {
      return admin.handleRequest(request, response, url) || rest.handleRequest(request, response, url);
    },
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
      return stream.handleUpgrade(request, socket, head, url);
    },
    close: () => stream.close(),
  };
}
