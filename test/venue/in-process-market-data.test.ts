import { ManualClock } from '../../shared/time/clock.ts';
import { createInProcessVenue } from '../../sim/in-process-venue.ts';
import { marketDataContract } from './market-data-contract.ts';

const ok = (result: { ok: boolean; reason?: string }): void => {
  if (!result.ok) throw new Error(`the market refused: ${result.reason}`);
};

marketDataContract('in-process feed (virtual clock, no sockets)', async (setup) => {
  const clock = new ManualClock(setup.startMs);
  const subject = createInProcessVenue({ clock, symbols: setup.symbols });
  const market = subject.market;
  return {
    market: {
      quote: async (symbol, bidPrice, askPrice, bidSize, askSize) =>
        ok(market.setQuote(symbol, { bidPrice, askPrice, bidSize, askSize })),
      trade: async (symbol, price, size, takerSide) =>
        ok(market.printTrade(symbol, takerSide === undefined ? { price, size } : { price, size, takerSide })),
      halt: async (symbol) => ok(market.halt(symbol)),
      resume: async (symbol) => ok(market.resume(symbol)),
      luld: async (symbol, limitUp, limitDown, indicator) =>
        ok(market.setLuld(symbol, { limitUp, limitDown, indicator })),
    },
    openFeed: (subscription, listener) => subject.openFeed({ subscription, listener }),
    history: subject.history,
    advanceTo: (epochMs) => subject.advanceTo(epochMs),
    // Delivery is synchronous: what has not arrived by now never will.
    async eventually(what, check) {
      if (!check()) throw new Error(`${what}: not delivered`);
    },
    quiesce: async () => undefined,
    async close() {
      subject.close();
    },
  };
});
