import { describe, expect, it } from 'vitest';
import type { RiskEvent } from '../../../engine/risk/risk-events.ts';
import { ZERO } from '../../../shared/domain/fixed.ts';
import { newYorkToUtcMs } from '../../../shared/time/new-york-time.ts';
import { account, bookFill, closingExit, exit, f, fill, harness, intent, position } from './risk-fixtures.ts';

function ofType<T extends RiskEvent['type']>(events: RiskEvent[], type: T) {
  return events.filter((event): event is Extract<RiskEvent, { type: T }> => event.type === type);
}

describe('Class: RiskManager', () => {
  describe('daily loss limit', () => {
    it('warns at 80% and 90% once each, then trips to reducing at the limit, from realised plus unrealised loss', () => {
      const { risk, trade, quote, events } = harness();
      trade('AAPL', 'buy', '100', '100');
      quote('AAPL', 80); // unrealised −2,000 (also a stop exit; irrelevant here)
      trade('AAPL', 'sell', '50', '80'); // realised −1,000, unrealised −1,000
      expect(ofType(events, 'loss_warning')).toStrictEqual([]);
      quote('AAPL', 60); // realised −1,000 + unrealised −2,000 = −3,000
      quote('AAPL', 40); // −4,000: 80%
      quote('AAPL', 39); // still 80–90%: no second warning
      quote('AAPL', 21); // −4,950: 90%
      expect(
        ofType(events, 'loss_warning').map((event) => [event.levelPct, event.dailyPnlUsd]),
      ).toStrictEqual([
        [80, -4000],
        [90, -4950],
      ]);
      expect(risk.breakerState).toBe('normal');
      quote('AAPL', 20); // −5,000: at the limit
      expect(risk.breakerState).toBe('reducing');
      expect(ofType(events, 'breaker_transition').at(-1)).toMatchObject({
        to: 'reducing',
        reason: 'daily_loss_limit',
      });
      expect(risk.check(intent({ limitPrice: f('20') }))).toMatchObject({
        ok: false,
        code: 'circuit_breaker_open',
      });
      expect(risk.check(exit('AAPL', 'sell', '50')).ok).toBe(true);
    });

    it('resets daily P&L at the New York session boundary but keeps a latched breaker', () => {
      const { risk, trade, quote, clock, events } = harness({
        limits: { loss: { daily_loss_limit_usd: 100 } },
      });
      trade('AAPL', 'buy', '10', '100');
      trade('AAPL', 'sell', '10', '89.99'); // realised −100.10
      expect(risk.breakerState).toBe('reducing');
      expect(risk.snapshot().dailyPnlUsd).toBeCloseTo(-100.1, 6);
      clock.setMs(newYorkToUtcMs('2026-11-24', 23 * 60 + 59));
      expect(risk.snapshot().sessionDate).toBe('2026-11-24');
      clock.setMs(newYorkToUtcMs('2026-11-25', 0));
      quote('AAPL', 100);
      expect(risk.snapshot()).toMatchObject({
        sessionDate: '2026-11-25',
        dailyPnlUsd: 0,
        breaker: 'reducing',
      });
      // The first session started in the constructor, before the harness subscribed.
      expect(ofType(events, 'session_started').map((event) => event.sessionDate)).toStrictEqual([
        '2026-11-25',
      ]);
      expect(risk.resetBreaker('alice', 'new day, loss reviewed')).toStrictEqual({
        ok: true,
        detail: { breaker: 'normal' },
      });
      expect(risk.check(intent()).ok).toBe(true);
    });

    it('a Friday-evening instant and a Saturday one belong to different sessions (Saturday is Monday’s)', () => {
      const friday = newYorkToUtcMs('2026-11-27', 18 * 60);
      const { risk, clock } = harness({ startMs: friday });
      expect(risk.snapshot().sessionDate).toBe('2026-11-27');
      clock.setMs(newYorkToUtcMs('2026-11-28', 1));
      expect(risk.snapshot().sessionDate).toBe('2026-11-30');
    });
  });

  describe('consecutive losing trades', () => {
    it('trips after five losing round trips in a row; a winner resets the run', () => {
      const { risk, trade, quote } = harness({ limits: { loss: { daily_loss_limit_usd: 100000 } } });
      const roundTrip = (exitPrice: string): void => {
        trade('AAPL', 'buy', '1', '100');
        trade('AAPL', 'sell', '1', exitPrice);
        quote('AAPL', 100);
      };
      for (let i = 0; i < 4; i++) roundTrip('99');
      roundTrip('101');
      for (let i = 0; i < 4; i++) roundTrip('99');
      expect(risk.snapshot().consecutiveLosses).toBe(4);
      expect(risk.breakerState).toBe('normal');
      roundTrip('99');
      expect(risk.breakerState).toBe('reducing');
    });

    it('judges a trade by its whole round trip, not by each partial exit', () => {
      const { risk, trade } = harness();
      trade('AAPL', 'buy', '10', '100');
      trade('AAPL', 'sell', '5', '99'); // −5 so far, position still open
      expect(risk.snapshot().consecutiveLosses).toBe(0);
      trade('AAPL', 'sell', '5', '102'); // +10 in the end: a winning trade
      expect(risk.snapshot().consecutiveLosses).toBe(0);
    });
  });

  describe('stops', () => {
    it('exits a long at the 1.5% trailing stop from entry, with a market sell for the whole position', () => {
      const { risk, trade, quote, events } = harness();
      trade('AAPL', 'buy', '10', '100');
      quote('AAPL', 98.6); // bid 98.59 > 98.5
      expect(ofType(events, 'stop_triggered')).toStrictEqual([]);
      quote('AAPL', 98.5); // bid 98.49 ≤ 98.5
      const [stop] = ofType(events, 'stop_triggered');
      expect(stop).toMatchObject({
        kind: 'trailing_stop',
        symbol: 'AAPL',
        price: 98.49,
        cancelClientOrderIds: [],
      });
      expect(stop!.stopPrice).toBeCloseTo(98.5, 9);
      expect(closingExit(risk, stop!, stop!.kind)).toMatchObject({
        strategyId: 'risk',
        symbol: 'AAPL',
        side: 'sell',
        qty: f('10'),
        type: 'market',
        timeInForce: 'day',
        purpose: 'trailing_stop',
        referencePrice: f('98.49'),
      });
      quote('AAPL', 97);
      expect(ofType(events, 'stop_triggered')).toHaveLength(1);
    });

    it('ratchets the trailing stop up with the bid and never back down', () => {
      const { trade, quote, events } = harness();
      trade('AAPL', 'buy', '10', '100');
      quote('AAPL', 110.01); // bid 110 → stop at 108.35
      quote('AAPL', 109); // bid 108.99: a fall does not lower the anchor (or the stop would be 107.36)
      quote('AAPL', 108.37); // bid 108.36: above 108.35
      expect(ofType(events, 'stop_triggered')).toStrictEqual([]);
      quote('AAPL', 108.35); // bid 108.34
      expect(ofType(events, 'stop_triggered')[0]).toMatchObject({
        kind: 'trailing_stop',
        price: expect.closeTo(108.34, 9),
      });
    });

    it('uses the 2% stop loss when it is the tighter stop, and mirrors both for a short on the ask', () => {
      const { risk, trade, quote, events } = harness({
        limits: { loss: { trailing_stop_pct: 5 }, orders: { short_selling_allowed: true } },
      });
      trade('AAPL', 'sell', '10', '100');
      quote('AAPL', 101.98); // ask 101.99 < 102
      expect(ofType(events, 'stop_triggered')).toStrictEqual([]);
      quote('AAPL', 102.0); // ask 102.01
      const [stop] = ofType(events, 'stop_triggered');
      expect(stop).toMatchObject({ kind: 'stop_loss', price: 102.01 });
      expect(closingExit(risk, stop!, stop!.kind)).toMatchObject({
        side: 'buy',
        qty: f('10'),
        purpose: 'stop_loss',
      });
    });

    it('lists the working orders in the symbol to cancel, and re-triggers after the exit is rejected', () => {
      const { risk, trade, quote, send, events, clock } = harness();
      trade('AAPL', 'buy', '10', '100');
      const takeProfit = exit('AAPL', 'sell', '10', { type: 'limit', limitPrice: f('104') });
      send(takeProfit);
      quote('AAPL', 98);
      const [first] = ofType(events, 'stop_triggered');
      expect(first!.cancelClientOrderIds).toStrictEqual([takeProfit.intentId]);
      const firstExit = closingExit(risk, first!, first!.kind);
      // Until the cancel lands the exit would oversell, so risk refuses it.
      expect(risk.check(firstExit)).toMatchObject({ ok: false, code: 'reduce_only_would_increase' });
      risk.onOrderStatus(takeProfit.intentId, 'canceled', ZERO);
      expect(risk.check(firstExit).ok).toBe(true);
      risk.onOrderSubmitted('stop-exit-1', firstExit);
      risk.onOrderStatus('stop-exit-1', 'rejected', ZERO);
      quote('AAPL', 97.9);
      clock.advanceMs(1_999);
      quote('AAPL', 97.9);
      // At most one attempt per duplicate window, so the retry is not refused as a duplicate.
      expect(ofType(events, 'stop_triggered')).toHaveLength(1);
      clock.advanceMs(1);
      quote('AAPL', 97.9);
      const second = ofType(events, 'stop_triggered')[1];
      expect(second).toMatchObject({ symbol: 'AAPL', kind: first!.kind });
      expect(risk.check(closingExit(risk, second!, second!.kind, 2)).ok).toBe(true);
    });

    it('tries again after a refused exit, so a halt does not leave the position unprotected', () => {
      const { risk, trade, quote, clock, events } = harness();
      trade('AAPL', 'buy', '10', '100');
      risk.onTradingStatus('AAPL', 'H', clock.nowUs());
      quote('AAPL', 98);
      const [first] = ofType(events, 'stop_triggered');
      expect(risk.check(closingExit(risk, first!, first!.kind))).toMatchObject({
        ok: false,
        code: 'symbol_halted',
      });
      risk.onTradingStatus('AAPL', 'T', clock.nowUs());
      clock.advanceMs(2_000);
      quote('AAPL', 98);
      const retry = ofType(events, 'stop_triggered')[1];
      expect(retry).toMatchObject({ symbol: 'AAPL' });
      expect(risk.check(closingExit(risk, retry!, retry!.kind, 2)).ok).toBe(true);
    });
  });

  describe('kill switch', () => {
    it('cancels every working order, flattens every position and latches the breaker, in one call', () => {
      const { risk, send, events } = harness({
        positions: [position('AAPL', '10', '100'), position('BTC/USD', '-0.5', '60000')],
        symbols: ['AAPL', 'MSFT'],
        limits: { orders: { short_selling_allowed: true } },
      });
      const working = intent({ symbol: 'MSFT' });
      send(working);
      const result = risk.killSwitch('alice', 'runaway strategy');
      if (!result.ok) throw new Error(result.message);
      const { plan } = result;
      expect(plan.cancelClientOrderIds).toStrictEqual([working.intentId]);
      const exits = plan.flatten.map((position) => closingExit(risk, position, 'kill_switch'));
      expect(plan.flatten).toStrictEqual([
        { symbol: 'AAPL', qty: f('10') },
        { symbol: 'BTC/USD', qty: f('-0.5') },
      ]);
      expect(
        exits.map((order) => [order.symbol, order.side, order.qty, order.timeInForce, order.purpose]),
      ).toStrictEqual([
        ['AAPL', 'sell', f('10'), 'day', 'kill_switch'],
        ['BTC/USD', 'buy', f('0.5'), 'gtc', 'kill_switch'],
      ]);
      expect(risk.breakerState).toBe('halted');
      expect(ofType(events, 'kill_switch')[0]).toMatchObject({
        operator: 'alice',
        reason: 'runaway strategy',
      });
      expect(ofType(events, 'breaker_transition').at(-1)).toMatchObject({
        to: 'halted',
        reason: 'kill_switch',
        operator: 'alice',
      });
      expect(risk.check(intent())).toMatchObject({ ok: false, code: 'circuit_breaker_open' });
      // Flattening passes even with no price for BTC/USD.
      for (const order of exits) expect(risk.check(order).ok).toBe(true);
    });
  });

  describe('repeated-execution latch', () => {
    it('disables a strategy after more than N fills in the window until an operator re-arms it', () => {
      const { risk, send, events } = harness({
        limits: { execution_latch: { max_fills: 3 }, orders: { duplicate_window_ms: 0 } },
      });
      const order = intent({ qty: f('10') });
      send(order);
      for (let i = 0; i < 3; i++) bookFill(risk, fill(order.intentId, 'AAPL', 'buy', '1', '100'));
      expect(risk.check(intent()).ok).toBe(true);
      bookFill(risk, fill(order.intentId, 'AAPL', 'buy', '1', '100'));
      expect(risk.check(intent())).toMatchObject({ ok: false, code: 'strategy_latched' });
      expect(risk.check(intent({ strategyId: 's2' })).ok).toBe(true);
      expect(ofType(events, 'strategy_latched')).toMatchObject([{ strategyId: 's1', maxFills: 3 }]);
      expect(risk.rearmStrategy('s1', '', 'ok')).toStrictEqual({
        ok: false,
        code: 'operator_required',
        message: 'an operator identity is required',
      });
      expect(risk.rearmStrategy('s1', 'alice', 'fill storm explained')).toStrictEqual({ ok: true });
      expect(risk.check(intent()).ok).toBe(true);
      expect(ofType(events, 'strategy_rearmed')).toMatchObject([{ strategyId: 's1', operator: 'alice' }]);
    });
  });

  describe('pattern-day-trader counting from fills', () => {
    it('counts opening and closing a symbol in one session, over five business days', () => {
      const { risk, trade, clock, quote } = harness({ account: { equity: f('20000'), daytradeCount: null } });
      const dayTrade = (): void => {
        trade('AAPL', 'buy', '1', '100');
        trade('AAPL', 'sell', '1', '100');
      };
      dayTrade();
      dayTrade(); // the same symbol again: a second closing order, a second day trade
      expect(risk.snapshot().dayTrades).toBe(2);
      clock.setMs(newYorkToUtcMs('2026-11-25', 10 * 60));
      quote('AAPL', 100);
      trade('AAPL', 'buy', '1', '100'); // opened Wednesday, held overnight
      expect(risk.check(intent()).ok).toBe(true);
      dayTrade(); // opened and closed Wednesday (closing the held share too)
      expect(risk.snapshot().dayTrades).toBe(3);
      expect(risk.check(intent())).toMatchObject({ ok: false, code: 'pattern_day_trader' });
      // Thanksgiving is closed: Tue 24, Wed 25, Fri 27, Mon 30, Tue 1 are the five days; Wed 2 drops Tuesday's two.
      clock.setMs(newYorkToUtcMs('2026-12-02', 10 * 60));
      quote('AAPL', 100);
      expect(risk.snapshot().dayTrades).toBe(1);
      expect(risk.check(intent()).ok).toBe(true);
    });

    it('adds our day trades to the broker’s count since its last snapshot', () => {
      const { risk, trade } = harness({ account: { equity: f('20000'), daytradeCount: 2 } });
      expect(risk.check(intent()).ok).toBe(true);
      trade('AAPL', 'buy', '1', '100');
      trade('AAPL', 'sell', '1', '100');
      expect(risk.snapshot().dayTrades).toBe(3);
      risk.onAccount(account({ equity: f('20000'), daytradeCount: 3 }));
      expect(risk.snapshot().dayTrades).toBe(3);
    });
  });

  it('an operator halt needs an identity and a reason', () => {
    const { risk } = harness();
    expect(risk.haltTrading('', 'x')).toStrictEqual({
      ok: false,
      code: 'operator_required',
      message: 'an operator identity is required',
    });
    expect(risk.breakerState).toBe('normal');
    expect(risk.haltTrading('alice', 'news pending')).toStrictEqual({ ok: true });
    expect(risk.breakerState).toBe('halted');
  });
});
