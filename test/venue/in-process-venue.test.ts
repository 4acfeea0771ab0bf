import { ManualClock } from '../../shared/time/clock.ts';
import { createInProcessVenue } from '../../sim/in-process-venue.ts';
import { venueContract } from './venue-contract.ts';

const STEP_MS = 10;
const BOUND_MS = 60_000;

venueContract('in-process venue (virtual clock, no sockets)', async () => {
  const clock = new ManualClock(Date.UTC(2026, 11, 2, 15, 0));
  const subject = createInProcessVenue({ clock, symbols: ['AAPL'] });
  return {
    venue: subject.venue,
    async quote(symbol, bidPrice, askPrice, size = 500) {
      subject.market.setQuote(symbol, { bidPrice, askPrice, bidSize: size, askSize: size }, { hold: true });
    },
    async eventually(what, check) {
      const until = clock.nowMs() + BOUND_MS;
      while (!(await check())) {
        if (clock.nowMs() >= until) throw new Error(`${what}: not within ${BOUND_MS} ms of virtual time`);
        subject.advanceTo(clock.nowMs() + STEP_MS);
      }
    },
    async close() {
      subject.close();
    },
  };
});
