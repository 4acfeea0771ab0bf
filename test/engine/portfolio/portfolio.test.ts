import { describe, expect, it } from 'vitest';
import { Portfolio } from '../../../engine/portfolio/portfolio.ts';
import type { Fill } from '../../../shared/domain/fill.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import type { OrderSide } from '../../../shared/domain/order.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { newYorkToUtcMs } from '../../../shared/time/new-york-time.ts';

const f = parseFixed;
let executionCount = 0;

function fill(symbol: string, side: OrderSide, qty: string, price: string): Fill {
  executionCount += 1;
  return {
    executionId: `execution-${executionCount}`,
    orderId: 'order-1',
    clientOrderId: 'client-1',
    symbol,
    side,
    qty: f(qty),
    price: f(price),
    timestampMs: 0,
  };
}

// Tuesday 2026-11-24, 10:00 New York.
const TUESDAY_10AM = newYorkToUtcMs('2026-11-24', 10 * 60);

describe('Class: Portfolio', () => {
  it('keeps per-symbol and total realised and unrealised P&L at the marks', () => {
    const portfolio = new Portfolio(new ManualClock(TUESDAY_10AM));
    portfolio.applyFill(fill('AAPL', 'buy', '10', '100'));
    portfolio.applyFill(fill('MSFT', 'sell', '4', '400'));
    portfolio.applyFill(fill('AAPL', 'sell', '4', '105'));
    portfolio.setMark('AAPL', f('103'));
    portfolio.setMark('MSFT', f('390'));

    expect(portfolio.symbolPnl('AAPL')).toStrictEqual({
      symbol: 'AAPL',
      qty: f('6'),
      avgEntryPrice: f('100'),
      markPrice: f('103'),
      realizedPnl: f('20'),
      unrealizedPnl: f('18'),
    });
    expect(portfolio.symbolPnl('MSFT').unrealizedPnl).toBe(f('40'));
    const pnl = portfolio.pnl();
    expect(pnl.realized).toBe(f('20'));
    expect(pnl.unrealized).toBe(f('58'));
    expect(pnl.total).toBe(f('78'));
  });

  it('reports gross and net exposure with shorts counted negative in net', () => {
    const portfolio = new Portfolio(new ManualClock(TUESDAY_10AM));
    portfolio.applyFill(fill('AAPL', 'buy', '10', '100'));
    portfolio.applyFill(fill('TSLA', 'sell', '2', '250'));
    portfolio.setMark('TSLA', f('260'));
    expect(portfolio.exposure()).toStrictEqual({ gross: f('1520'), net: f('480') });
  });

  it('uses the last fill price as the mark until a mark arrives', () => {
    const portfolio = new Portfolio(new ManualClock(TUESDAY_10AM));
    portfolio.applyFill(fill('BTC/USD', 'buy', '0.5', '60000'));
    expect(portfolio.symbolPnl('BTC/USD').markPrice).toBe(f('60000'));
    expect(portfolio.position('BTC/USD').assetClass).toBe('crypto');
    expect(portfolio.exposure().gross).toBe(f('30000'));
  });

  it('lists only open positions and restores broker positions', () => {
    const portfolio = new Portfolio(new ManualClock(TUESDAY_10AM));
    portfolio.applyFill(fill('AAPL', 'buy', '1', '100'));
    portfolio.applyFill(fill('AAPL', 'sell', '1', '101'));
    portfolio.restorePosition('GOOGL', f('-3'), f('170.25'));
    expect(portfolio.openPositions()).toStrictEqual([
      { symbol: 'GOOGL', assetClass: 'us_equity', qty: f('-3'), avgEntryPrice: f('170.25'), realizedPnl: 0n },
    ]);
  });

  it('counts daily P&L from the first event of the session, at the previous session marks', () => {
    const clock = new ManualClock(TUESDAY_10AM);
    const portfolio = new Portfolio(clock);
    portfolio.applyFill(fill('AAPL', 'buy', '10', '100'));
    portfolio.setMark('AAPL', f('110'));
    expect(portfolio.pnl()).toMatchObject({ total: f('100'), daily: f('100'), sessionDate: '2026-11-24' });

    // Wednesday 09:31: Tuesday's close mark carries the 100 into the session-start snapshot.
    clock.setMs(newYorkToUtcMs('2026-11-25', 9 * 60 + 31));
    portfolio.setMark('AAPL', f('108'));
    expect(portfolio.pnl()).toMatchObject({ total: f('80'), daily: f('-20'), sessionDate: '2026-11-25' });
    portfolio.applyFill(fill('AAPL', 'sell', '10', '109'));
    expect(portfolio.pnl()).toMatchObject({ realized: f('90'), unrealized: 0n, daily: f('-10') });
  });

  it("keeps the session's realised P&L apart from earlier sessions' (what risk's loss limit reads)", () => {
    const clock = new ManualClock(TUESDAY_10AM);
    const portfolio = new Portfolio(clock);
    portfolio.applyFill(fill('AAPL', 'buy', '10', '100'));
    portfolio.applyFill(fill('AAPL', 'sell', '5', '104'));
    expect(portfolio.realizedTodayUsdAt(clock.nowMs())).toBe(20);
    clock.setMs(newYorkToUtcMs('2026-11-25', 9 * 60 + 31));
    expect(portfolio.realizedTodayUsdAt(clock.nowMs())).toBe(0);
    portfolio.applyFill(fill('AAPL', 'sell', '5', '98'));
    expect(portfolio.realizedTodayUsdAt(clock.nowMs())).toBe(-10);
    expect(portfolio.pnl().realized).toBe(f('10'));
  });

  it('treats a holiday instant (Thanksgiving) as belonging to the next session', () => {
    const clock = new ManualClock(newYorkToUtcMs('2026-11-25', 15 * 60));
    const portfolio = new Portfolio(clock);
    portfolio.applyFill(fill('AAPL', 'buy', '1', '100'));
    portfolio.setMark('AAPL', f('101'));
    clock.setMs(newYorkToUtcMs('2026-11-26', 12 * 60));
    expect(portfolio.pnl()).toMatchObject({ sessionDate: '2026-11-27', daily: 0n, total: f('1') });
  });
});
