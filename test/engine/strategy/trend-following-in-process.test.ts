/**
 * The trend-following strategy in the engine's own stack: the strategy host with the engine's
 * exposure rule, the router, risk and the position book, against the in-process venue. Its entry
 * and exit must reach the venue as orders and leave the venue's position where the strategy meant.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { formatFixed, parseFixed } from '../../../shared/domain/fixed.ts';
import { TrendFollowing } from '../../../shared/strategies/trend-following.ts';
import { hostedOn, type InProcessStack, inProcessStack } from '../../support/in-process-stack.ts';

const SYMBOL = 'AAPL';
let open: InProcessStack | undefined;

afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe('Trend following through the in-process stack', () => {
  it('buys on the cross up and sells on the cross down, at the venue', async () => {
    open = await inProcessStack(SYMBOL);
    const { risk, simulated, until } = open;
    const { results, feed } = hostedOn(open, [
      new TrendFollowing({
        id: 'trend',
        symbols: [SYMBOL],
        average: 'sma',
        fastPeriod: 2,
        slowPeriod: 4,
        entryNotional: parseFixed('1000'),
      }),
    ]);

    // SMA(2) against SMA(4): at minute 5 SMA(2) = 100.2 passes SMA(4) = 100.175, a cross up; 1000
    // dollars buy 9 shares at 100.4.
    feed(SYMBOL, [100.4, 100.3, 100.2, 100.1, 100.0, 100.4], 0);
    expect(results).toHaveLength(1);
    expect(await Promise.all(results)).toMatchObject([{ ok: true }]);
    await until('the entry fills', () => risk.positions.position(SYMBOL).qty === parseFixed('9'));
    const [held] = await simulated.venue.listPositions();
    expect(formatFixed(held!.qty)).toBe('9');

    // At minute 7 SMA(2) = 100.1 falls below SMA(4) = 100.15: the whole position is sold.
    feed(SYMBOL, [100.8, 99.4], 6);
    expect(await Promise.all(results)).toMatchObject([{ ok: true }, { ok: true }]);
    await until('flat', () => risk.positions.position(SYMBOL).qty === 0n);
    expect(await simulated.venue.listPositions()).toStrictEqual([]);
    const orders = await simulated.venue.listOrders({ status: 'all', direction: 'asc' });
    expect(orders.map((order) => [order.side, formatFixed(order.filledQty), order.status])).toStrictEqual([
      ['buy', '9', 'filled'],
      ['sell', '9', 'filled'],
    ]);
  });
});
