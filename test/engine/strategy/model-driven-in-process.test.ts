/**
 * The model-driven strategy scoring bars in the engine's own stack: the strategy host with the
 * engine's exposure rule, the router, risk and the position book, against the in-process venue.
 * The model's verdicts must reach the venue as orders and leave the position it asked for.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { formatFixed, parseFixed } from '../../../shared/domain/fixed.ts';
import { ModelDriven } from '../../../shared/strategies/model-driven.ts';
import { hostedOn, type InProcessStack, inProcessStack } from '../../support/in-process-stack.ts';
import { returnModel } from '../../support/return-model.ts';

const SYMBOL = 'AAPL';
let open: InProcessStack | undefined;

afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe('Model-driven strategy through the in-process stack', () => {
  it('holds the position the model asks for, at the venue, and leaves it when the model turns', async () => {
    open = await inProcessStack(SYMBOL);
    const { risk, simulated, until } = open;
    const { results, feed } = hostedOn(open, [
      new ModelDriven({
        id: 'model',
        symbols: [SYMBOL],
        model: returnModel(),
        runsIn: 'engine',
        maxPositionNotional: parseFixed('1000'),
        minConfidence: 0.5,
        rebalanceFraction: 0.25,
        allowShort: false,
      }),
    ]);

    // +0.4 %: P(up) 0.98, long at full strength: 1000 dollars buy 9 shares at 100.4.
    feed(SYMBOL, [100, 100.4], 0);
    expect(await Promise.all(results)).toMatchObject([{ ok: true }]);
    await until('the entry fills', () => risk.positions.position(SYMBOL).qty === parseFixed('9'));
    const [held] = await simulated.venue.listPositions();
    expect(formatFixed(held!.qty)).toBe('9');

    // Another rise keeps the position; a 0.4 % fall says short, which without shorting means flat.
    feed(SYMBOL, [100.8, 100.4], 2);
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
