import { describe, expect, it } from 'vitest';
import { PRE_TRADE_RULES, RULES_BY_INTENT_KIND } from '../../../engine/risk/pre-trade-rules.ts';
import type { RiskDecision } from '../../../engine/risk/risk-decision.ts';
import { ZERO } from '../../../shared/domain/fixed.ts';
import { account, bookFill, exit, f, fill, harness, intent, position } from './risk-fixtures.ts';

function denied(decision: RiskDecision): string {
  return decision.ok ? 'approved' : decision.code;
}

describe('Pre-trade rules', () => {
  it('run in the documented order', () => {
    expect(PRE_TRADE_RULES.map((rule) => `${rule.name}:${rule.scope}`)).toStrictEqual([
      'valid_intent:all',
      'strategy_armed:new_risk',
      'circuit_breaker:new_risk',
      'circuit_breaker_halted:reduce_only',
      'broker_reconciled:new_risk',
      'market_closed:new_risk',
      'reduce_only:reduce_only',
      'symbol_tradable:all',
      'fresh_reference:except_kill_switch',
      'luld_band:all',
      'price_collar:except_kill_switch',
      'duplicate_intent:except_kill_switch',
      'self_match:all',
      'symbol_order_rate:except_kill_switch',
      'order_rate:except_kill_switch',
      'max_order_qty:new_risk',
      'max_order_notional:new_risk',
      'short_selling:new_risk',
      'pattern_day_trader:new_risk',
      'max_open_positions:new_risk',
      'max_position_notional:new_risk',
      'max_gross_exposure:new_risk',
      'buying_power:new_risk',
    ]);
  });

  it('approve an ordinary limit buy with the shared approval and no protective price', () => {
    const { risk } = harness();
    expect(risk.check(intent())).toStrictEqual({ ok: true, protectiveLimitPrice: null });
  });

  it('answer the first rule that denies, with its name, reason code and a message', () => {
    const { risk } = harness({ reconciled: false });
    risk.haltTrading('alice', 'testing order');
    // Unreconciled, breaker open, over every cap: the breaker comes first.
    const decision = risk.check(intent({ qty: f('100000') }));
    expect(decision).toStrictEqual({
      ok: false,
      rule: 'circuit_breaker',
      code: 'circuit_breaker_open',
      message: 'the circuit breaker is halted; no new exposure',
    });
  });

  describe('valid_intent', () => {
    it.each([
      ['zero quantity', { qty: f('0') }],
      ['negative quantity', { qty: f('-1') }],
      ['a limit order without a limit price', { limitPrice: undefined }],
      ['a stop order without a stop price', { type: 'stop' as const }],
      ['a trailing stop without a trail', { type: 'trailing_stop' as const }],
      ['no symbol', { symbol: '' }],
    ])('refuses %s', (_label, overrides) => {
      const { risk } = harness();
      expect(denied(risk.check(intent(overrides)))).toBe('invalid_intent');
    });
  });

  describe('max_position_notional (working orders count as if filled)', () => {
    it('passes at $10,000 and refuses one cent over', () => {
      const { risk, send } = harness();
      expect(send(intent({ qty: f('99') })).ok).toBe(true); // $9,900 working
      expect(risk.check(intent({ qty: f('1'), limitPrice: f('100') })).ok).toBe(true);
      expect(denied(risk.check(intent({ qty: f('1'), limitPrice: f('100.01') })))).toBe(
        'position_notional_exceeded',
      );
    });

    it('counts the position at its entry price plus working buys', () => {
      const { risk, trade } = harness({ limits: { orders: { duplicate_window_ms: 0 } } });
      trade('AAPL', 'buy', '50', '100'); // $5,000 held
      expect(risk.symbolExposure('AAPL')).toBe(f('5000'));
      expect(risk.check(intent({ qty: f('50') })).ok).toBe(true);
      expect(denied(risk.check(intent({ qty: f('50'), limitPrice: f('100.0002') })))).toBe(
        'position_notional_exceeded',
      );
    });

    it('does not count an exit above the entry price as new exposure', () => {
      const { risk, send, quote } = harness({ positions: [position('AAPL', '100', '100')] });
      expect(risk.symbolExposure('AAPL')).toBe(f('10000'));
      quote('AAPL', 104);
      expect(send(exit('AAPL', 'sell', '100', { type: 'limit', limitPrice: f('104') })).ok).toBe(true);
      expect(risk.symbolExposure('AAPL')).toBe(f('10000'));
    });

    it('releases a canceled order and the unfilled rest of a partly filled one', () => {
      const { risk, send } = harness();
      const first = intent({ qty: f('100') });
      send(first);
      expect(denied(risk.check(intent({ qty: f('1') })))).toBe('position_notional_exceeded');
      bookFill(risk, fill(first.intentId, 'AAPL', 'buy', '40', '99')); // 40 held at 99, 60 working at 100
      expect(risk.symbolExposure('AAPL')).toBe(f('9960'));
      risk.onOrderStatus(first.intentId, 'canceled', ZERO);
      expect(risk.symbolExposure('AAPL')).toBe(f('3960'));
      expect(risk.check(intent({ qty: f('60') })).ok).toBe(true);
    });
  });

  it('max_gross_exposure passes at the limit and refuses one cent over', () => {
    const { risk, send } = harness({
      limits: { limits: { max_total_exposure_usd: 15000 } },
      symbols: ['AAPL', 'MSFT'],
    });
    send(intent({ qty: f('100') })); // AAPL $10,000
    send(intent({ symbol: 'MSFT', qty: f('49') })); // MSFT $4,900
    expect(risk.check(intent({ symbol: 'MSFT', qty: f('1') })).ok).toBe(true);
    expect(denied(risk.check(intent({ symbol: 'MSFT', qty: f('1'), limitPrice: f('100.01') })))).toBe(
      'gross_exposure_exceeded',
    );
  });

  it('max_open_positions allows the fifth symbol, refuses a sixth, and still allows adding to one', () => {
    const symbols = ['A', 'B', 'C', 'D', 'E', 'F'];
    const { risk, send } = harness({ symbols });
    for (const symbol of symbols.slice(0, 4)) expect(send(intent({ symbol })).ok).toBe(true);
    expect(send(intent({ symbol: 'E' })).ok).toBe(true);
    expect(denied(risk.check(intent({ symbol: 'F' })))).toBe('open_positions_exceeded');
    expect(risk.check(intent({ symbol: 'A', qty: f('11') })).ok).toBe(true);
  });

  describe('per-order caps', () => {
    it('max_order_qty passes at the cap and refuses one unit over', () => {
      const { risk, quote } = harness();
      quote('PENNY', 1);
      expect(risk.check(intent({ symbol: 'PENNY', qty: f('1000'), limitPrice: f('1') })).ok).toBe(true);
      expect(
        denied(risk.check(intent({ symbol: 'PENNY', qty: f('1000.000000001'), limitPrice: f('1') }))),
      ).toBe('order_qty_exceeded');
    });

    it('max_order_notional passes at the cap and refuses one cent over', () => {
      const { risk } = harness({ limits: { limits: { max_position_notional_usd: 20000 } } });
      expect(risk.check(intent({ qty: f('100'), limitPrice: f('100') })).ok).toBe(true);
      expect(denied(risk.check(intent({ qty: f('100'), limitPrice: f('100.0001') })))).toBe(
        'order_notional_exceeded',
      );
    });
  });

  describe('price_collar and the reference price', () => {
    it('passes a limit exactly 5% from the mid and refuses one cent further, on either side', () => {
      const { risk } = harness({
        limits: { limits: { max_position_notional_usd: 50000, max_order_notional_usd: 50000 } },
      });
      expect(risk.check(intent({ limitPrice: f('105') })).ok).toBe(true);
      expect(denied(risk.check(intent({ limitPrice: f('105.01') })))).toBe('price_outside_collar');
      expect(risk.check(intent({ limitPrice: f('95') })).ok).toBe(true);
      expect(denied(risk.check(intent({ limitPrice: f('94.99') })))).toBe('price_outside_collar');
    });

    it('gives a market order a protective bound 1% beyond the touch, rounded inward to a cent', () => {
      const { risk } = harness({
        account: { shortingEnabled: true },
        limits: { orders: { short_selling_allowed: true } },
      });
      const buy = risk.check(intent({ type: 'market', limitPrice: undefined }));
      expect(buy).toStrictEqual({ ok: true, protectiveLimitPrice: f('101.01') }); // ask 100.01 × 1.01 = 101.0101
      const sell = risk.check(intent({ side: 'sell', type: 'market', limitPrice: undefined }));
      expect(sell).toStrictEqual({ ok: true, protectiveLimitPrice: f('99') }); // bid 99.99 × 0.99 = 98.9901
    });

    it('refuses when no quote was ever seen, when the quote is older than 5 s, or when the feed marked it stale', () => {
      const { risk, clock, quote } = harness();
      expect(denied(risk.check(intent({ symbol: 'MSFT' })))).toBe('reference_price_stale');
      clock.advanceMs(5000);
      expect(risk.check(intent()).ok).toBe(true);
      clock.advanceUs(1);
      expect(denied(risk.check(intent()))).toBe('reference_price_stale');
      quote('AAPL', 100);
      expect(risk.check(intent()).ok).toBe(true);
      risk.markStale('AAPL');
      expect(denied(risk.check(intent()))).toBe('reference_price_stale');
    });

    it('treats a one-sided or crossed quote as no reference', () => {
      const { risk, clock } = harness();
      risk.onQuote('AAPL', 0, 100.01, clock.nowUs());
      expect(denied(risk.check(intent()))).toBe('reference_price_stale');
      risk.onQuote('AAPL', 100.02, 100.01, clock.nowUs());
      expect(denied(risk.check(intent()))).toBe('reference_price_stale');
    });
  });

  describe('trading status and limit-up/limit-down', () => {
    it('refuses every order, exits included, while the symbol is halted, until trading resumes', () => {
      const { risk, clock } = harness({ positions: [position('AAPL', '10', '100')] });
      risk.onTradingStatus('AAPL', 'H', clock.nowUs());
      expect(denied(risk.check(intent()))).toBe('symbol_halted');
      expect(denied(risk.check(exit('AAPL', 'sell', '10')))).toBe('symbol_halted');
      risk.onTradingStatus('AAPL', 'E', clock.nowUs()); // short sale restriction: no change
      expect(denied(risk.check(intent()))).toBe('symbol_halted');
      risk.onTradingStatus('AAPL', 'T', clock.nowUs());
      expect(risk.check(intent()).ok).toBe(true);
    });

    it('takes a trade printed after the halt began as the resumption whose status message was missed (simtest seed 259)', () => {
      const { risk, clock } = harness({ positions: [position('AAPL', '10', '100')] });
      const haltedAtUs = clock.nowUs();
      risk.onTradingStatus('AAPL', 'H', haltedAtUs);
      // A late report of a trade from before the halt proves nothing.
      risk.onTrade('AAPL', haltedAtUs - 1);
      risk.onTrade('AAPL', haltedAtUs);
      expect(denied(risk.check(exit('AAPL', 'sell', '10')))).toBe('symbol_halted');
      // A second halt code while halted (a volatility pause) is still the same halt.
      risk.onTradingStatus('AAPL', 'P', haltedAtUs + 5);
      risk.onTrade('AAPL', haltedAtUs + 6);
      expect(risk.check(exit('AAPL', 'sell', '10')).ok).toBe(true);
      expect(risk.check(intent()).ok).toBe(true);
    });

    it('passes a limit at the band edge, refuses one cent outside, and bounds a market order inside the band', () => {
      const { risk, clock } = harness();
      risk.onLuld('AAPL', 100.5, 99.5, clock.nowUs());
      expect(risk.check(intent({ limitPrice: f('100.5') })).ok).toBe(true);
      expect(denied(risk.check(intent({ limitPrice: f('100.51') })))).toBe('outside_luld_band');
      expect(denied(risk.check(intent({ side: 'sell', limitPrice: f('99.5') })))).toBe(
        'short_selling_not_allowed',
      );
      expect(denied(risk.check(intent({ limitPrice: f('99.49') })))).toBe('outside_luld_band');
      expect(risk.check(intent({ type: 'market', limitPrice: undefined }))).toStrictEqual({
        ok: true,
        protectiveLimitPrice: f('100.5'),
      });
    });
  });

  describe('buying power, short selling and the pattern-day-trader rule', () => {
    it('buying_power passes at the limit and refuses one cent over, counting working orders', () => {
      const { risk, send } = harness({ account: { buyingPower: f('5000') } });
      send(intent({ qty: f('20') })); // $2,000 working
      expect(risk.check(intent({ qty: f('30') })).ok).toBe(true);
      expect(denied(risk.check(intent({ qty: f('30'), limitPrice: f('100.0004') })))).toBe(
        'insufficient_buying_power',
      );
    });

    it('short_selling refuses a sell below zero unless allowed by the limits and the account', () => {
      expect(denied(harness().risk.check(intent({ side: 'sell' })))).toBe('short_selling_not_allowed');
      const allowed = harness({ limits: { orders: { short_selling_allowed: true } } });
      expect(allowed.risk.check(intent({ side: 'sell' })).ok).toBe(true);
      const accountRefuses = harness({
        limits: { orders: { short_selling_allowed: true } },
        account: { shortingEnabled: false },
      });
      expect(denied(accountRefuses.risk.check(intent({ side: 'sell' })))).toBe('short_selling_not_allowed');
    });

    it('short_selling counts working sells: a sell entry up to the long position passes, beyond it does not', () => {
      const { risk, send } = harness({ positions: [position('AAPL', '10', '100')] });
      expect(send(intent({ side: 'sell', qty: f('4') })).ok).toBe(true);
      expect(risk.check(intent({ side: 'sell', qty: f('6'), limitPrice: f('100.5') })).ok).toBe(true);
      expect(denied(risk.check(intent({ side: 'sell', qty: f('6.000000001') })))).toBe(
        'short_selling_not_allowed',
      );
    });

    it('crypto is never sold short', () => {
      const { risk } = harness({ limits: { orders: { short_selling_allowed: true } }, symbols: ['BTC/USD'] });
      expect(denied(risk.check(intent({ symbol: 'BTC/USD', side: 'sell', qty: f('0.01') })))).toBe(
        'short_selling_not_allowed',
      );
    });

    it.each([
      ['24999.99', 3, 'pattern_day_trader'],
      ['24999.99', 2, 'approved'],
      ['25000', 3, 'approved'],
    ])('pattern_day_trader with equity %s and %i day trades: %s', (equity, count, expected) => {
      const { risk } = harness({ account: { equity: f(equity), daytradeCount: count } });
      expect(denied(risk.check(intent()))).toBe(expected);
    });

    it('pattern_day_trader does not apply to crypto', () => {
      const { risk } = harness({ account: { equity: f('1000'), daytradeCount: 3 }, symbols: ['BTC/USD'] });
      expect(risk.check(intent({ symbol: 'BTC/USD', qty: f('0.01') })).ok).toBe(true);
    });
  });

  describe('duplicates, self-match and order rates', () => {
    it('duplicate_intent refuses the same intent id or the same order within 2 s, and allows it after', () => {
      const { risk, send, clock } = harness();
      const first = intent();
      send(first);
      expect(denied(risk.check(first))).toBe('duplicate_intent');
      expect(denied(risk.check(intent()))).toBe('duplicate_intent'); // same strategy, side, qty, price
      expect(risk.check(intent({ strategyId: 's2' })).ok).toBe(true);
      clock.advanceMs(1999);
      risk.onQuote('AAPL', 99.99, 100.01, clock.nowUs());
      expect(denied(risk.check(intent()))).toBe('duplicate_intent');
      clock.advanceMs(1);
      expect(risk.check(intent()).ok).toBe(true);
    });

    it('self_match refuses a buy at or above our resting sell, and any market order against it', () => {
      const { risk, send } = harness({ positions: [position('AAPL', '10', '100')] });
      send(intent({ side: 'sell', qty: f('5'), limitPrice: f('101') }));
      expect(denied(risk.check(intent({ limitPrice: f('101') })))).toBe('self_match');
      expect(risk.check(intent({ limitPrice: f('100.99') })).ok).toBe(true);
      expect(denied(risk.check(intent({ type: 'market', limitPrice: undefined })))).toBe('self_match');
    });

    it('symbol_order_rate allows 5 orders a second per symbol, and the sixth once the first leaves the window', () => {
      const { risk, send, clock, quote } = harness();
      for (let i = 0; i < 5; i++) expect(send(intent({ qty: f(String(i + 1)) })).ok).toBe(true);
      expect(denied(risk.check(intent({ qty: f('6') })))).toBe('symbol_order_rate_exceeded');
      clock.advanceMs(999);
      quote('AAPL', 100);
      expect(denied(risk.check(intent({ qty: f('6') })))).toBe('symbol_order_rate_exceeded');
      clock.advanceMs(1);
      expect(risk.check(intent({ qty: f('6') })).ok).toBe(true);
    });

    it('order_rate allows 20 orders a second across symbols', () => {
      const symbols = ['A', 'B', 'C', 'D', 'E'];
      const { risk, send } = harness({
        symbols,
        limits: { limits: { max_total_exposure_usd: 1000000 }, orders: { max_orders_per_window: 20 } },
      });
      for (let i = 0; i < 20; i++) {
        expect(send(intent({ symbol: symbols[i % 5]!, qty: f(String(i + 1)) })).ok).toBe(true);
      }
      expect(denied(risk.check(intent({ symbol: 'A', qty: f('1000') })))).toBe('order_rate_exceeded');
    });
  });

  describe('broker state', () => {
    it('refuses new exposure until positions are reconciled, and again once marked unreconciled', () => {
      const { risk } = harness({ reconciled: false });
      expect(denied(risk.check(intent()))).toBe('positions_unreconciled');
      risk.reconcile(account());
      expect(risk.check(intent()).ok).toBe(true);
      risk.markUnreconciled('trade-updates stream reconnected');
      expect(denied(risk.check(intent()))).toBe('positions_unreconciled');
    });
  });

  describe('reduce-only intents', () => {
    it('pass while the breaker is reducing and positions are unreconciled', () => {
      const { risk } = harness({ positions: [position('AAPL', '10', '100')] });
      for (let loss = 0; loss < 5; loss++) {
        bookFill(risk, fill(`buy-${loss}`, 'MSFT', 'buy', '1', '100'));
        bookFill(risk, fill(`sell-${loss}`, 'MSFT', 'sell', '1', '99'));
      }
      expect(risk.breakerState).toBe('reducing');
      risk.markUnreconciled('gap');
      expect(risk.check(exit('AAPL', 'sell', '10'))).toStrictEqual({
        ok: true,
        protectiveLimitPrice: f('99'),
      });
      expect(denied(risk.check(intent()))).toBe('circuit_breaker_open');
    });

    it("while the breaker is halted, only risk's own exits pass", () => {
      const { risk } = harness({ positions: [position('AAPL', '10', '100')] });
      risk.haltTrading('alice', 'manual halt');
      expect(risk.check(exit('AAPL', 'sell', '10'))).toMatchObject({
        ok: false,
        rule: 'circuit_breaker_halted',
        code: 'circuit_breaker_halted',
        message: "the circuit breaker is halted (operator_halt); only risk's own exits are sent",
      });
      expect(risk.check(exit('AAPL', 'sell', '10', { strategyId: 'risk', purpose: 'stop_loss' })).ok).toBe(
        true,
      );
      expect(risk.check(exit('AAPL', 'sell', '10', { strategyId: 'risk', purpose: 'kill_switch' })).ok).toBe(
        true,
      );
    });

    it('pass the position, exposure, per-order and pattern-day-trader limits', () => {
      const { risk } = harness({
        positions: [position('AAPL', '2000', '100')],
        account: { equity: f('1000'), daytradeCount: 3, buyingPower: f('0') },
      });
      expect(risk.check(exit('AAPL', 'sell', '2000')).ok).toBe(true);
    });

    it('never open, grow or flip a position, counting working exits', () => {
      const { risk, send } = harness({ positions: [position('AAPL', '10', '100')] });
      expect(denied(risk.check(exit('AAPL', 'buy', '1')))).toBe('reduce_only_would_increase');
      expect(denied(risk.check(exit('AAPL', 'sell', '10.000000001')))).toBe('reduce_only_would_increase');
      expect(denied(risk.check(exit('MSFT', 'sell', '1')))).toBe('reduce_only_would_increase');
      expect(send(exit('AAPL', 'sell', '4')).ok).toBe(true);
      expect(risk.check(exit('AAPL', 'sell', '6', { type: 'limit', limitPrice: f('99') })).ok).toBe(true);
      expect(denied(risk.check(exit('AAPL', 'sell', '7', { type: 'limit', limitPrice: f('99') })))).toBe(
        'reduce_only_would_increase',
      );
    });

    it('count an exit the venue reports filled until its fill is booked', () => {
      const { risk, send } = harness({ positions: [position('AAPL', '30', '100')] });
      const first = exit('AAPL', 'sell', '30');
      expect(send(first).ok).toBe(true);
      // A lookup after the POST's 502 finds it filled; its events were lost in a stream outage.
      risk.onOrderStatus(first.intentId, 'filled', f('30'));
      expect(risk.isTracking(first.intentId)).toBe(true);
      const second = exit('AAPL', 'sell', '30', { type: 'limit', limitPrice: f('99') });
      expect(denied(risk.check(second))).toBe('reduce_only_would_increase');
      expect(denied(risk.check(exit('AAPL', 'sell', '1', { type: 'limit', limitPrice: f('99') })))).toBe(
        'reduce_only_would_increase',
      );

      bookFill(risk, fill(first.intentId, 'AAPL', 'sell', '30', '100'));
      expect(risk.isTracking(first.intentId)).toBe(false);
      expect(risk.symbolExposure('AAPL')).toBe(f('0'));
    });

    it('count an entry the venue reports filled until booked, but not as a self-match: it trades with nothing (simtest seed 526)', () => {
      const { risk, send } = harness({ positions: [position('AAPL', '30', '100')] });
      const entry = intent({ qty: f('10'), type: 'limit', limitPrice: f('100') });
      expect(send(entry).ok).toBe(true);
      const exitAll = exit('AAPL', 'sell', '30', { type: 'limit', limitPrice: f('99') });
      expect(denied(risk.check(exitAll))).toBe('self_match');
      // Final at the venue with its executions not yet booked: still counted, no longer working there.
      risk.onOrderStatus(entry.intentId, 'filled', f('10'));
      expect(risk.isTracking(entry.intentId)).toBe(true);
      expect(risk.check(exitAll).ok).toBe(true);
    });

    it('stop counting a final exit once a reconciliation takes the venue position, its fill included', () => {
      const { risk, send } = harness({ positions: [position('AAPL', '30', '100')] });
      const first = exit('AAPL', 'sell', '10');
      expect(send(first).ok).toBe(true);
      risk.onOrderStatus(first.intentId, 'filled', f('10'));
      // The order was forgotten before its fill could be booked; the venue holds 20.
      risk.positions.restorePosition('AAPL', f('20'), f('100'));
      risk.reconcile(account());
      expect(risk.isTracking(first.intentId)).toBe(false);
      expect(risk.check(exit('AAPL', 'sell', '20', { type: 'limit', limitPrice: f('99') })).ok).toBe(true);
    });

    it('count what a final exit filled until it is booked, and release only its unfilled rest', () => {
      const { risk, send } = harness({ positions: [position('AAPL', '30', '100')] });
      const first = exit('AAPL', 'sell', '30', { type: 'limit', limitPrice: f('99') });
      expect(send(first).ok).toBe(true);
      // Canceled after filling 10 the position book has not booked yet.
      risk.onOrderStatus(first.intentId, 'canceled', f('10'));
      const fits = exit('AAPL', 'sell', '20', { type: 'limit', limitPrice: f('99.5') });
      const oversells = exit('AAPL', 'sell', '21', { type: 'limit', limitPrice: f('99.5') });
      expect(risk.check(fits).ok).toBe(true);
      expect(denied(risk.check(oversells))).toBe('reduce_only_would_increase');

      bookFill(risk, fill(first.intentId, 'AAPL', 'sell', '10', '99'));
      expect(risk.isTracking(first.intentId)).toBe(false);
      expect(risk.check(fits).ok).toBe(true);
      expect(denied(risk.check(oversells))).toBe('reduce_only_would_increase');
    });

    it('cover a short with buys', () => {
      const { risk } = harness({ positions: [position('AAPL', '-10', '100')] });
      expect(risk.check(exit('AAPL', 'buy', '10')).ok).toBe(true);
      expect(denied(risk.check(exit('AAPL', 'sell', '1')))).toBe('reduce_only_would_increase');
    });

    it('still meet the price collar and freshness rules; only the kill switch skips them', () => {
      const { risk, clock } = harness({ positions: [position('AAPL', '10', '100')] });
      expect(denied(risk.check(exit('AAPL', 'sell', '10', { type: 'limit', limitPrice: f('90') })))).toBe(
        'price_outside_collar',
      );
      clock.advanceMs(10_000);
      expect(denied(risk.check(exit('AAPL', 'sell', '10')))).toBe('reference_price_stale');
      expect(risk.check(exit('AAPL', 'sell', '10', { purpose: 'kill_switch' }))).toStrictEqual({
        ok: true,
        protectiveLimitPrice: null,
      });
    });
  });

  it('a kill-switch flatten passes right after an identical exit was sent, which another exit would not', () => {
    const { risk, send } = harness({ positions: [position('AAPL', '10', '100')] });
    const first = exit('AAPL', 'sell', '5');
    expect(send(first).ok).toBe(true);
    expect(denied(risk.check(exit('AAPL', 'sell', '5', { intentId: 'other' })))).toBe('duplicate_intent');
    expect(risk.check(exit('AAPL', 'sell', '5', { purpose: 'kill_switch' })).ok).toBe(true);
  });

  it('check changes nothing: the same intent twice gets the same answer', () => {
    const { risk } = harness();
    const order = intent({ qty: f('100') });
    expect(risk.check(order).ok).toBe(true);
    expect(risk.check(order).ok).toBe(true);
    expect(risk.symbolExposure('AAPL')).toBe(f('0'));
  });
});

describe('Rule scopes', () => {
  it('entries meet every rule but the reduce-only one; exits skip the new-risk rules; the kill switch also skips price, duplicate and rate rules', () => {
    const names = (kind: keyof typeof RULES_BY_INTENT_KIND) =>
      RULES_BY_INTENT_KIND[kind].map((rule) => rule.name);
    expect(names('entry')).toStrictEqual(
      PRE_TRADE_RULES.map((rule) => rule.name).filter(
        (name) => name !== 'reduce_only' && name !== 'circuit_breaker_halted',
      ),
    );
    expect(names('reduceOnly')).toStrictEqual([
      'valid_intent',
      'circuit_breaker_halted',
      'reduce_only',
      'symbol_tradable',
      'fresh_reference',
      'luld_band',
      'price_collar',
      'duplicate_intent',
      'self_match',
      'symbol_order_rate',
      'order_rate',
    ]);
    expect(names('killSwitch')).toStrictEqual([
      'valid_intent',
      'circuit_breaker_halted',
      'reduce_only',
      'symbol_tradable',
      'luld_band',
      'self_match',
    ]);
  });
});
