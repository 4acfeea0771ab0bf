/**
 * Alpaca as the engine's trading venue: the adapter (REST client and trade_updates stream) with
 * the engine's clock, logger and reconnect timings, and a counter for stream frames refused by
 * validation. Wiring only: the execution core sees the venue port.
 */
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { AlpacaVenue } from '../../shared/broker/alpaca/alpaca-venue.ts';
import { DEFAULT_RECONNECT_BACKOFF } from '../../shared/broker/alpaca/stream-connection-timers.ts';
import type { StreamAuthForm } from '../../shared/broker/alpaca/trade-updates-client.ts';
import type { TradingCredentials } from '../../shared/broker/alpaca/trading-client.ts';
import type { Clock } from '../../shared/time/clock.ts';

export interface AlpacaTradingVenueOptions {
  /** Trading REST base, e.g. https://paper-api.alpaca.markets or the simulator's. */
  readonly tradingUrl: string;
  /** wss://…/stream */
  readonly tradingStreamUrl: string;
  readonly credentials: TradingCredentials;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly streamAuthForm?: StreamAuthForm;
  readonly requestTimeoutMs?: number;
  readonly reconnectBaseDelayMs?: number;
  readonly reconnectMaxDelayMs?: number;
}

export function createAlpacaTradingVenue(options: AlpacaTradingVenueOptions): AlpacaVenue {
  const { logger } = options;
  const invalidFrames = new Counter({
    name: 'execution_trade_updates_invalid_total',
    help: 'Trade-updates frames refused by validation',
    registers: [options.metrics],
  });
  return new AlpacaVenue({
    tradingUrl: options.tradingUrl,
    tradingStreamUrl: options.tradingStreamUrl,
    credentials: options.credentials,
    ...(options.streamAuthForm === undefined ? {} : { streamAuthForm: options.streamAuthForm }),
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    stream: {
      clock: options.clock,
      logger,
      backoff: {
        baseDelayMs: options.reconnectBaseDelayMs ?? DEFAULT_RECONNECT_BACKOFF.baseDelayMs,
        maxDelayMs: options.reconnectMaxDelayMs ?? DEFAULT_RECONNECT_BACKOFF.maxDelayMs,
      },
    },
    onInvalidMessage: (reason) => {
      invalidFrames.inc();
      logger.warn({ reason }, 'trade updates frame refused');
    },
  });
}
