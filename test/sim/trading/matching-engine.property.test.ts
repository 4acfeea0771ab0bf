import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Fixed, fixedFromInteger, mul, parseFixed, SCALE, ZERO } from '../../../shared/domain/fixed.ts';
import type { Quote } from '../../../shared/domain/market-data.ts';
import { isTerminalStatus } from '../../../shared/domain/order.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import type { QuoteSource } from '../../../sim/market/quote-source.ts';
import { AccountLedger } from '../../../sim/trading/account-ledger.ts';
import { AssetCatalog } from '../../../sim/trading/asset-catalog.ts';
import { SeededIds } from '../../../sim/trading/ids.ts';
import { MatchingEngine, type OrderEvent } from '../../../sim/trading/matching-engine.ts';
import type { SimOrderRequest } from '../../../sim/trading/order-request.ts';
import { SessionCalendar } from '../../../sim/trading/session-calendar.ts';
import { TaskScheduler } from '../../../sim/trading/task-scheduler.ts';

/** A market the property drives directly. */
class DrivenQuotes implements QuoteSource {
  readonly #listeners: ((quote: Quote) => void)[] = [];
  #latest: Quote | undefined;
  latestQuote(): Quote | undefined {
    return this.#latest;
  }
  latestTrade(): undefined {
    return undefined;
  }
  onQuote(listener: (quote: Quote) => void): () => void {
    this.#listeners.push(listener);
    return () => undefined;
  }
  publish(quote: Quote): void {
    this.#latest = quote;
    for (const listener of this.#listeners) listener(quote);
  }
}

type Step =
  | { kind: 'quote'; bidCents: number; spreadCents: number; bidSize: number; askSize: number }
  | {
      kind: 'order';
      side: 'buy' | 'sell';
      qty: number;
      limitOffsetCents: number | null;
      tif: 'day' | 'gtc' | 'ioc' | 'fok';
    }
  | { kind: 'cancel'; pick: number }
  | { kind: 'replace'; pick: number; qty: number }
  | { kind: 'advance'; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('quote' as const),
    bidCents: fc.integer({ min: 9_900, max: 10_100 }),
    spreadCents: fc.integer({ min: 1, max: 5 }),
    bidSize: fc.integer({ min: 1, max: 50 }),
    askSize: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({
    kind: fc.constant('order' as const),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    qty: fc.integer({ min: 1, max: 40 }),
    limitOffsetCents: fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }),
    tif: fc.constantFrom('day' as const, 'gtc' as const, 'ioc' as const, 'fok' as const),
  }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), qty: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 20 }) }),
);

const START = parseFixed('1000000');
const FOLLOW_UPS = new Set(['order_cancel_rejected', 'order_replace_rejected']);

describe('MatchingEngine invariants', () => {
  it('keeps fills, positions, cash and event lifecycles consistent under any sequence', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.integer({ min: 0, max: 10 }), (steps, latencyMs) => {
        const clock = new ManualClock(Date.UTC(2026, 2, 10, 15, 0, 0));
        const quotes = new DrivenQuotes();
        const scheduler = new TaskScheduler(clock, false);
        const ledger = new AccountLedger(START);
        const engine = new MatchingEngine({
          clock,
          scheduler,
          session: new SessionCalendar('always'),
          quotes,
          assets: new AssetCatalog(['AAPL']),
          ledger,
          ids: new SeededIds(3),
          latencyMs,
          slippage: { fixedBps: 0, sizeImpactBps: 0 },
        });
        const events: OrderEvent[] = [];
        engine.onEvent((event) => events.push(event));
        const ids: string[] = [];
        let mid = 100;
        for (const action of steps) {
          switch (action.kind) {
            case 'quote': {
              const bid = action.bidCents / 100;
              mid = bid;
              quotes.publish({
                symbol: 'AAPL',
                bidPrice: bid,
                askPrice: (action.bidCents + action.spreadCents) / 100,
                bidSize: action.bidSize,
                askSize: action.askSize,
                timestampUs: clock.nowUs(),
              });
              break;
            }
            case 'order': {
              const request: SimOrderRequest = {
                symbol: 'AAPL',
                side: action.side,
                type: action.limitOffsetCents === null ? 'market' : 'limit',
                timeInForce: action.tif,
                qty: fixedFromInteger(action.qty),
                notional: null,
                limitPrice:
                  action.limitOffsetCents === null
                    ? null
                    : parseFixed((mid + action.limitOffsetCents / 100).toFixed(2)),
                stopPrice: null,
                trailPrice: null,
                trailPercent: null,
                extendedHours: false,
                clientOrderId: null,
              };
              const result = engine.submit(request);
              if (result.ok) ids.push(result.value.id);
              break;
            }
            case 'cancel':
              if (ids.length > 0) engine.cancel(ids[action.pick % ids.length]!);
              break;
            case 'replace':
              if (ids.length > 0) {
                const result = engine.replace(ids[action.pick % ids.length]!, {
                  qty: fixedFromInteger(action.qty),
                  timeInForce: null,
                  limitPrice: null,
                  stopPrice: null,
                  trail: null,
                  clientOrderId: null,
                });
                if (result.ok) ids.push(result.value.id);
              }
              break;
            case 'advance':
              clock.advanceMs(action.ms);
              scheduler.runDue();
              break;
          }
        }
        clock.advanceMs(100);
        scheduler.runDue();

        let position: Fixed = ZERO;
        let cash: Fixed = START;
        const all = engine.listOrders({
          status: 'all',
          limit: Number.MAX_SAFE_INTEGER,
          afterUs: null,
          untilUs: null,
          direction: 'asc',
          symbols: null,
          side: null,
          nested: false,
        });
        for (const order of all) {
          expect(order.filledQty >= 0n && order.filledQty <= order.qty!).toBe(true);
          expect(order.status === 'filled').toBe(order.filledQty === order.qty && order.qty !== null);
          const value = (order.filledValueRaw / SCALE) as Fixed;
          position = (position + (order.side === 'buy' ? order.filledQty : -order.filledQty)) as Fixed;
          cash = (order.side === 'buy' ? cash - value : cash + value) as Fixed;
        }
        expect(ledger.positionQty('AAPL')).toBe(position);
        expect(ledger.cash).toBe(cash);
        expect(new Set(engine.openOrders())).toStrictEqual(
          new Set(all.filter((order) => !isTerminalStatus(order.status))),
        );

        // Per order: pending_new first, nothing but refusals after a terminal event, fills add up.
        const byOrder = new Map<string, OrderEvent[]>();
        for (const event of events)
          byOrder.set(event.order.id, [...(byOrder.get(event.order.id) ?? []), event]);
        for (const [id, history] of byOrder) {
          const order = engine.getOrder(id)!;
          if (order.replaces === null) expect(history[0]!.event).toBe('pending_new');
          const terminalAt = history.findIndex((event) => isTerminalStatus(event.order.status));
          if (terminalAt >= 0) {
            for (const later of history.slice(terminalAt + 1)) expect(FOLLOW_UPS.has(later.event)).toBe(true);
          }
          const executed = history.reduce(
            (sum, event) => (event.execution ? sum + event.execution.qty : sum),
            0n,
          );
          expect(executed).toBe(order.filledQty);
          for (const event of history) {
            if (event.execution) expect(mul(event.execution.qty, event.execution.price) > 0n).toBe(true);
          }
        }
        engine.close();
      }),
      { numRuns: 150 },
    );
  });
});
