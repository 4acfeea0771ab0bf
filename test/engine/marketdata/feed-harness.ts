/**
 * Wires the engine's market-data stage to a real simulator over loopback, the way the engine's
 * main does, and records what the tests look at.
 */
import { request } from 'undici';
import {
  MarketDataService,
  type MarketDataServiceOptions,
} from '../../../engine/marketdata/market-data-service.ts';
import {
  FeedClient,
  type FeedClientOptions,
  type FeedSubscription,
} from '../../../shared/broker/alpaca/market-data/feed-client.ts';
import { MarketDataHistoryClient } from '../../../shared/broker/alpaca/market-data/history-client.ts';
import type { StreamState } from '../../../shared/broker/alpaca/stream-connection-states.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import type { Bar } from '../../../shared/domain/market-data.ts';
import type { Clock } from '../../../shared/time/clock.ts';
import { systemTimers, type Timers } from '../../../shared/time/timers.ts';
import { FeedMetrics } from '../../../shared/venue/feed-metrics.ts';
import type { Simulator } from '../../../sim/simulator.ts';

export interface StateChange {
  readonly state: StreamState;
  readonly previous: StreamState;
  readonly reason: string;
}

export interface FeedUnderTest {
  readonly client: FeedClient;
  readonly service: MarketDataService;
  readonly metrics: FeedMetrics;
  readonly states: StateChange[];
  readonly bars: Bar[];
  /** Delays the client asked its timers for, in order (backoff and liveness checks). */
  readonly timerDelays: number[];
}

export interface FeedSetup {
  readonly path?: string;
  readonly subscription: FeedSubscription;
  readonly clock: Clock;
  readonly secretKey?: string;
  readonly client?: Partial<FeedClientOptions>;
  readonly service?: Partial<MarketDataServiceOptions>;
}

export function connectFeed(sim: Simulator, setup: FeedSetup): FeedUnderTest {
  const metrics = new FeedMetrics();
  const states: StateChange[] = [];
  const bars: Bar[] = [];
  const timerDelays: number[] = [];
  const timers: Timers = {
    setTimeout: (callback, ms) => {
      timerDelays.push(ms);
      return systemTimers.setTimeout(callback, ms);
    },
    clearTimeout: (handle) => systemTimers.clearTimeout(handle),
  };
  const symbols = Object.values(setup.subscription).flat() as string[];
  const service = new MarketDataService({
    clock: setup.clock,
    metrics,
    symbols: [...new Set(symbols.filter((symbol) => symbol !== '*'))],
    staleAfterMs: 60_000,
    feedBarSymbols: setup.subscription.bars ?? [],
    history: new MarketDataHistoryClient({
      baseUrl: sim.baseUrl,
      keyId: DEFAULT_SIM_KEY_ID,
      secretKey: DEFAULT_SIM_SECRET_KEY,
      stockFeed: 'iex',
    }),
    onBar: (bar) => bars.push(bar),
    ...setup.service,
  });
  const client = new FeedClient({
    url: `ws://127.0.0.1:${sim.port}${setup.path ?? '/v2/iex'}`,
    keyId: DEFAULT_SIM_KEY_ID,
    secretKey: setup.secretKey ?? DEFAULT_SIM_SECRET_KEY,
    subscription: setup.subscription,
    clock: setup.clock,
    metrics,
    timers,
    random: () => 0.5,
    backoff: { baseDelayMs: 40, maxDelayMs: 200 },
    listener: {
      onData: (messages, receivedUs) => service.onData(messages, receivedUs),
      onStateChange: (state, previous, reason) => {
        states.push({ state, previous, reason });
        service.onStateChange(state, previous);
      },
      onResumed: (gap) => service.onResumed(gap),
    },
    ...setup.client,
  });
  return { client, service, metrics, states, bars, timerDelays };
}

export async function admin(sim: Simulator, action: string, body: object = {}): Promise<unknown> {
  const response = await request(`${sim.baseUrl}/admin/marketdata/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const reply = (await response.body.json()) as unknown;
  if (response.statusCode !== 200)
    throw new Error(`admin ${action} answered ${response.statusCode}: ${JSON.stringify(reply)}`);
  return reply;
}
