import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RiskDecision } from '../../../engine/risk/risk-decision.ts';
import { type Fixed, fixedFromNumber, formatFixed, parseFixed, ZERO } from '../../../shared/domain/fixed.ts';
import { isReduceOnlyPurpose, type OrderIntent, type OrderSide } from '../../../shared/domain/order.ts';
import { bookFill, closingExit, f, harness, intent } from './risk-fixtures.ts';

const SYMBOLS = ['A', 'B', 'C'];
const POSITION_LIMIT = f('2000');
const GROSS_LIMIT = f('3000');

type Action =
  | {
      kind: 'order';
      symbol: number;
      side: OrderSide;
      qty: number;
      type: 'limit' | 'market';
      offsetCents: number;
      exit: boolean;
    }
  | { kind: 'ack' | 'cancel' | 'reject'; pick: number }
  | { kind: 'fill'; pick: number; percent: number; improvementCents: number }
  | { kind: 'quote'; symbol: number; cents: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'halt' | 'reset' | 'kill' };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      symbol: fc.nat(SYMBOLS.length - 1),
      side: fc.constantFrom<OrderSide>('buy', 'sell'),
      qty: fc.integer({ min: 1, max: 15 }),
      type: fc.constantFrom('limit' as const, 'market' as const),
      offsetCents: fc.integer({ min: -300, max: 300 }),
      exit: fc.nat(3).map((n) => n === 0),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('ack' as const, 'cancel' as const, 'reject' as const),
      pick: fc.nat(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('fill' as const),
      pick: fc.nat(),
      percent: fc.integer({ min: 1, max: 100 }),
      improvementCents: fc.integer({ min: 0, max: 50 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('quote' as const),
      symbol: fc.nat(SYMBOLS.length - 1),
      cents: fc.integer({ min: 5_000, max: 15_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3_000 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constantFrom('halt' as const, 'reset' as const, 'kill' as const) }),
  },
);

interface Working {
  readonly clientOrderId: string;
  readonly intent: OrderIntent;
  readonly price: Fixed;
  remaining: bigint;
}

function run(actions: readonly Action[], shortSellingAllowed: boolean): void {
  const h = harness({
    symbols: SYMBOLS,
    limits: {
      limits: {
        max_position_notional_usd: formatFixed(POSITION_LIMIT),
        max_total_exposure_usd: formatFixed(GROSS_LIMIT),
        max_order_notional_usd: 2000,
        max_open_positions: 2,
      },
      orders: {
        short_selling_allowed: shortSellingAllowed,
        duplicate_window_ms: 0,
        max_orders_per_window: 10_000,
        max_orders_per_symbol_per_window: 10_000,
      },
      pricing: { reference_max_age_ms: 1_000_000 },
      loss: { daily_loss_limit_usd: 300 },
      execution_latch: { max_fills: 10_000 },
    },
  });
  const { risk } = h;
  const mids = SYMBOLS.map(() => 100);
  let working: Working[] = [];
  let sequence = 0;

  const submit = (order: OrderIntent): RiskDecision => {
    const breakerBefore = risk.breakerState;
    const grossBefore = risk.snapshot().grossExposure;
    const decision = risk.check(order);
    if (!decision.ok) return decision;
    sequence += 1;
    const clientOrderId = `order-${sequence}`;
    risk.onOrderSubmitted(clientOrderId, order);
    const price =
      order.type === 'market' ? (decision.protectiveLimitPrice ?? order.referencePrice) : order.limitPrice!;
    working.push({ clientOrderId, intent: order, price, remaining: order.qty });
    if (breakerBefore !== 'normal') {
      // Nothing that adds exposure passes while the breaker is open.
      expect(isReduceOnlyPurpose(order.purpose)).toBe(true);
      expect(risk.snapshot().grossExposure).toBeLessThanOrEqual(grossBefore);
    }
    return decision;
  };

  const finish = (index: number, status: 'canceled' | 'rejected'): void => {
    const order = working[index];
    if (order === undefined) return;
    risk.onOrderStatus(order.clientOrderId, status, ZERO);
    working.splice(index, 1);
  };

  for (const step of actions) {
    switch (step.kind) {
      case 'order': {
        const symbol = SYMBOLS[step.symbol]!;
        const mid = mids[step.symbol]!;
        submit(
          intent({
            symbol,
            side: step.side,
            qty: parseFixed(String(step.qty)),
            type: step.type,
            limitPrice:
              step.type === 'limit'
                ? fixedFromNumber(Math.max(0.01, mid + step.offsetCents / 100))
                : undefined,
            referencePrice: fixedFromNumber(mid),
            purpose: step.exit ? 'exit' : 'entry',
          }),
        );
        break;
      }
      case 'ack': {
        const order = working[step.pick % Math.max(1, working.length)];
        if (order !== undefined) risk.onOrderStatus(order.clientOrderId, 'new', ZERO);
        break;
      }
      case 'cancel':
      case 'reject':
        finish(step.pick % Math.max(1, working.length), step.kind === 'cancel' ? 'canceled' : 'rejected');
        break;
      case 'fill': {
        const index = step.pick % Math.max(1, working.length);
        const order = working[index];
        if (order === undefined) break;
        const shares = (order.remaining / 1_000_000_000n) * BigInt(step.percent);
        const qty = shares <= 100n ? 1_000_000_000n : ((shares + 99n) / 100n) * 1_000_000_000n;
        const filled = qty < order.remaining ? qty : order.remaining;
        // Buys may fill better than their price; sells fill at it (see the ledger's note on shorts).
        const improvement = order.intent.side === 'buy' ? BigInt(step.improvementCents) * 10_000_000n : 0n;
        const price = (
          order.price - improvement > 10_000_000n ? order.price - improvement : order.price
        ) as Fixed;
        sequence += 1;
        bookFill(risk, {
          executionId: `execution-${sequence}`,
          orderId: order.clientOrderId,
          clientOrderId: order.clientOrderId,
          symbol: order.intent.symbol,
          side: order.intent.side,
          qty: filled as Fixed,
          price,
          timestampMs: h.clock.nowMs(),
        });
        order.remaining -= filled;
        if (order.remaining === 0n) working.splice(index, 1);
        break;
      }
      case 'quote':
        mids[step.symbol] = step.cents / 100;
        h.quote(SYMBOLS[step.symbol]!, step.cents / 100);
        break;
      case 'advance':
        h.clock.advanceMs(step.ms);
        break;
      case 'halt':
        risk.haltTrading('property', 'random halt');
        break;
      case 'reset':
        risk.resetBreaker('property', 'random reset');
        break;
      case 'kill': {
        const result = risk.killSwitch('property', 'random kill');
        if (!result.ok) {
          expect(result.code).toBe('kill_switch_in_force');
          break;
        }
        const { plan } = result;
        for (const id of plan.cancelClientOrderIds) {
          finish(
            working.findIndex((order) => order.clientOrderId === id),
            'canceled',
          );
        }
        for (const position of plan.flatten)
          expect(submit(closingExit(risk, position, 'kill_switch')).ok).toBe(true);
        break;
      }
    }
    // Exposure counted on entered orders, as if every one filled, never exceeds a limit.
    for (const symbol of SYMBOLS) expect(risk.symbolExposure(symbol)).toBeLessThanOrEqual(POSITION_LIMIT);
    expect(risk.snapshot().grossExposure).toBeLessThanOrEqual(GROSS_LIMIT);
    expect(risk.snapshot().openSymbols).toBeLessThanOrEqual(2);
  }
  working = [];
}

describe('Property: risk manager over random order flow', () => {
  it('keeps exposure within limits and adds none while the breaker is open (no short selling)', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 20, maxLength: 100 }), (actions) => run(actions, false)),
      { numRuns: 300 },
    );
  });

  it('the same with short selling allowed', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 20, maxLength: 100 }), (actions) => run(actions, true)),
      { numRuns: 300 },
    );
  });
});
