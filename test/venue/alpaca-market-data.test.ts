import { FeedClient } from '../../shared/broker/alpaca/market-data/feed-client.ts';
import { MarketDataHistoryClient } from '../../shared/broker/alpaca/market-data/history-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../shared/broker/simulator-credentials.ts';
import { isCryptoSymbol } from '../../shared/domain/symbol.ts';
import { ManualClock } from '../../shared/time/clock.ts';
import { FeedMetrics } from '../../shared/venue/feed-metrics.ts';
import { startSimulator } from '../../sim/simulator.ts';
import { admin } from '../engine/marketdata/feed-harness.ts';
import { marketDataContract } from './market-data-contract.ts';

const BOUND_MS = 10_000;
/** Loopback frames go out on the simulator's next microtask; this is ample for them to land. */
const QUIESCE_MS = 200;

marketDataContract(
  'Alpaca adapter against the HTTP simulator (loopback WebSocket and REST)',
  async (setup) => {
    const clock = new ManualClock(setup.startMs);
    const sim = await startSimulator({ port: 0, clock, market: 'scripted', symbols: setup.symbols });
    const feeds: FeedClient[] = [];
    const credentials = { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY };
    return {
      market: {
        quote: async (symbol, bidPrice, askPrice, bidSize, askSize) => {
          await admin(sim, 'quote', { symbol, bidPrice, askPrice, bidSize, askSize });
        },
        trade: async (symbol, price, size, takerSide) => {
          await admin(sim, 'trade', {
            symbol,
            price,
            size,
            ...(takerSide === undefined ? {} : { takerSide }),
          });
        },
        halt: async (symbol) => {
          await admin(sim, 'halt', { symbol });
        },
        resume: async (symbol) => {
          await admin(sim, 'resume', { symbol });
        },
        luld: async (symbol, limitUp, limitDown, indicator) => {
          await admin(sim, 'luld', { symbol, limitUp, limitDown, indicator });
        },
      },
      openFeed(subscription, listener) {
        const crypto = Object.values(subscription)
          .flat()
          .every((symbol) => isCryptoSymbol(symbol));
        const feed = new FeedClient({
          url: `ws://127.0.0.1:${sim.port}${crypto ? '/v1beta3/crypto/us' : '/v2/iex'}`,
          ...credentials,
          subscription,
          clock,
          metrics: new FeedMetrics(),
          listener,
        });
        feeds.push(feed);
        return feed;
      },
      history: new MarketDataHistoryClient({ baseUrl: sim.baseUrl, ...credentials, stockFeed: 'iex' }),
      advanceTo: (epochMs) => sim.advanceTo(epochMs),
      async eventually(what, check) {
        const until = Date.now() + BOUND_MS;
        while (!check()) {
          if (Date.now() >= until) throw new Error(`${what}: not within ${BOUND_MS} ms`);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      },
      quiesce: () => new Promise((resolve) => setTimeout(resolve, QUIESCE_MS)),
      async close() {
        await Promise.all(feeds.map((feed) => feed.stop()));
        await sim.close();
      },
    };
  },
);
