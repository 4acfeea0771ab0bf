import { AlpacaVenue } from '../../shared/broker/alpaca/alpaca-venue.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../shared/broker/simulator-credentials.ts';
import { startSimulator } from '../../sim/simulator.ts';
import { venueContract } from './venue-contract.ts';

const BOUND_MS = 10_000;

venueContract('Alpaca adapter against the HTTP simulator (loopback)', async (options) => {
  const simulator = await startSimulator({
    port: 0,
    market: 'scripted',
    symbols: ['AAPL'],
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
    ...(options.rateLimitPerMinute === undefined ? {} : { rateLimitPerMinute: options.rateLimitPerMinute }),
  });
  const venue = new AlpacaVenue({
    tradingUrl: simulator.baseUrl,
    tradingStreamUrl: simulator.tradeUpdatesUrl,
    credentials: { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY },
  });
  await venue.connect();
  return {
    venue,
    async quote(symbol, bidPrice, askPrice, size = 500) {
      simulator.market.setQuote(symbol, { bidPrice, askPrice, bidSize: size, askSize: size }, { hold: true });
    },
    async eventually(what, check) {
      const until = Date.now() + BOUND_MS;
      while (!(await check())) {
        if (Date.now() >= until) throw new Error(`${what}: not within ${BOUND_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      await venue.stop();
      await simulator.close();
    },
  };
});
