/**
 * The venue contract: what the execution core may rely on from any venue, run unchanged against
 * the in-process venue and the Alpaca adapter talking to the HTTP simulator. A venue test file
 * calls `venueContract` with a way to open a fresh venue whose prices the test sets.
 *
 * Every expectation is the same for both venues and is read through the port only: the orders
 * it answers, the events it sends, its positions and its account. Where Alpaca's behaviour
 * depends on timing (a cancel racing a fill), the contract holds what must be true however the
 * race ends: one outcome, never a double fill.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Fixed, parseFixed } from '../../shared/domain/fixed.ts';
import type { TradingVenue } from '../../shared/venue/trading-venue.ts';
import { VenueRateLimitedError, VenueRejectedError } from '../../shared/venue/venue-errors.ts';
import type {
  OrderRequest,
  VenueOrder,
  VenueOrderEvent,
  VenueOrderEventKind,
} from '../../shared/venue/venue-types.ts';

export interface VenueUnderTest {
  readonly venue: TradingVenue;
  /** Publishes a quote (and holds the symbol there). */
  quote(symbol: string, bidPrice: number, askPrice: number, size?: number): Promise<void>;
  /** Lets the venue work (real or virtual time) until `check` holds; fails after a bound. */
  eventually(what: string, check: () => boolean | Promise<boolean>): Promise<void>;
  close(): Promise<void>;
}

/** How a case needs its venue configured, beyond the defaults (no latency, no tight quota). */
export interface ContractVenueOptions {
  /** Delay between a request and its effect (routing, cancel, replace): lets a race be staged. */
  readonly latencyMs?: number;
  /** Requests per minute the venue answers before it refuses them for the rate limit. */
  readonly rateLimitPerMinute?: number;
}

const f = parseFixed;
let sequence = 0;

function order(overrides: Partial<OrderRequest> = {}): OrderRequest {
  sequence += 1;
  return {
    symbol: 'AAPL',
    qty: f('10'),
    side: 'buy',
    type: 'market',
    timeInForce: 'day',
    clientOrderId: `contract-${process.pid}-${sequence}`,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected the venue to refuse, and it accepted'),
    (error: unknown) => error,
  );
}

/** A latency long enough that a test's next steps land before the request takes effect. */
const RACE_LATENCY_MS = 300;

export function venueContract(
  name: string,
  open: (options: ContractVenueOptions) => Promise<VenueUnderTest>,
): void {
  describe(`Venue contract: ${name}`, () => {
    let subject: VenueUnderTest;
    let events: VenueOrderEvent[];
    /** Venues a case opened for itself, closed after it. */
    let extra: VenueUnderTest[];

    /** A venue of its own for a case that needs another configuration, listening like `subject`. */
    async function openOwn(options: ContractVenueOptions): Promise<VenueUnderTest> {
      const own = await open(options);
      extra.push(own);
      own.venue.onOrderEvent((event) => events.push(event));
      await own.quote('AAPL', 100, 100.02);
      return own;
    }

    beforeEach(async () => {
      extra = [];
      subject = await open({});
      events = [];
      subject.venue.onOrderEvent((event) => events.push(event));
      await subject.quote('AAPL', 100, 100.02);
    });

    afterEach(async () => {
      for (const own of extra) await own.close();
      await subject.close();
    });

    const eventsOf = (orderId: string): VenueOrderEventKind[] =>
      events.filter((event) => event.order.id === orderId).map((event) => event.event);
    const eventOf = (orderId: string, kind: VenueOrderEventKind): VenueOrderEvent | undefined =>
      events.find((event) => event.order.id === orderId && event.event === kind);
    const fillsOf = (orderId: string): VenueOrderEvent[] =>
      events.filter(
        (event) => event.order.id === orderId && (event.event === 'fill' || event.event === 'partial_fill'),
      );

    async function positionQty(on: VenueUnderTest = subject): Promise<Fixed> {
      const position = (await on.venue.listPositions()).find((p) => p.symbol === 'AAPL');
      return position?.qty ?? f('0');
    }

    /** Submits and waits until the venue works the order (routed: `new`). */
    async function working(request: OrderRequest, on: VenueUnderTest = subject): Promise<VenueOrder> {
      const placed = await on.venue.submitOrder(request);
      await on.eventually(`${request.type} ${request.timeInForce} working`, () =>
        eventsOf(placed.id).includes('new'),
      );
      return placed;
    }

    /** Submits and waits for the whole fill. */
    async function filled(request: OrderRequest, on: VenueUnderTest = subject): Promise<VenueOrder> {
      const placed = await on.venue.submitOrder(request);
      await on.eventually(`${request.type} filled`, () => eventsOf(placed.id).includes('fill'));
      return placed;
    }

    async function statusOf(orderId: string, on: VenueUnderTest = subject): Promise<string | undefined> {
      return (await on.venue.getOrder(orderId))?.status;
    }

    // ---- order types ---------------------------------------------------------------------------

    describe('order types', () => {
      it('fills a market buy at the ask, reports the execution, and holds the position', async () => {
        const placed = await subject.venue.submitOrder(order());
        expect(placed).toMatchObject({ symbol: 'AAPL', side: 'buy', qty: f('10'), filledQty: f('0') });
        await subject.eventually('filled', () => eventsOf(placed.id).includes('fill'));
        const fill = eventOf(placed.id, 'fill');
        expect(fill?.execution).toMatchObject({ qty: f('10'), price: f('100.02'), positionQty: f('10') });
        expect(eventsOf(placed.id)).toStrictEqual(['pending_new', 'new', 'fill']);
        // The order an event carries is the order as the venue answers for it afterwards.
        expect(await subject.venue.getOrder(placed.id)).toStrictEqual(fill?.order);
        expect(await subject.venue.getOrder(placed.id)).toMatchObject({
          status: 'filled',
          filledQty: f('10'),
          filledAvgPrice: f('100.02'),
        });
        const positions = await subject.venue.listPositions();
        expect(positions.map((p) => [p.symbol, p.qty, p.avgEntryPrice])).toStrictEqual([
          ['AAPL', f('10'), f('100.02')],
        ]);
        const account = await subject.venue.getAccount();
        expect(account.cash).toBe(f('98999.8'));
      });

      it('rests a limit buy under the market, holding buying power for it until cancelled', async () => {
        const before = (await subject.venue.getAccount()).buyingPower;
        const placed = await working(order({ type: 'limit', limitPrice: f('95') }));
        expect((await subject.venue.getOrder(placed.id))?.status).toBe('new');
        expect((await subject.venue.getAccount()).buyingPower).toBe(before - f('950'));
        await subject.venue.cancelOrder(placed.id);
        await subject.eventually('canceled', () => eventsOf(placed.id).includes('canceled'));
        expect((await subject.venue.getOrder(placed.id))?.status).toBe('canceled');
        expect(await subject.venue.listOrders({ status: 'open' })).toStrictEqual([]);
        expect((await subject.venue.getAccount()).buyingPower).toBe(before);
      });

      it('fills a marketable limit buy at the ask, not at its limit', async () => {
        const placed = await filled(order({ type: 'limit', limitPrice: f('101') }));
        expect(eventOf(placed.id, 'fill')?.execution?.price).toBe(f('100.02'));
      });

      it('holds a stop buy until the ask reaches the stop, then fills it at the market', async () => {
        const placed = await working(order({ type: 'stop', stopPrice: f('101') }));
        await subject.quote('AAPL', 100.5, 100.52);
        expect(await statusOf(placed.id)).toBe('new');
        await subject.quote('AAPL', 100.99, 101.01);
        await subject.eventually('stop filled', () => eventsOf(placed.id).includes('fill'));
        expect(eventOf(placed.id, 'fill')?.execution).toMatchObject({ qty: f('10'), price: f('101.01') });
        expect(await positionQty()).toBe(f('10'));
      });

      it('triggers a stop_limit sell at its stop and fills it only within its limit', async () => {
        await filled(order());
        const placed = await working(
          order({ side: 'sell', type: 'stop_limit', stopPrice: f('99'), limitPrice: f('98.5') }),
        );
        await subject.quote('AAPL', 98.4, 98.45); // triggered, but the bid is under the limit
        expect(await statusOf(placed.id)).toBe('new');
        expect(fillsOf(placed.id)).toStrictEqual([]);
        await subject.quote('AAPL', 98.6, 98.65);
        await subject.eventually('stop_limit filled', () => eventsOf(placed.id).includes('fill'));
        expect(eventOf(placed.id, 'fill')?.execution?.price).toBe(f('98.6'));
        expect(await positionQty()).toBe(f('0'));
      });

      it('moves a trailing stop (trail price) up with the bid and fills it when the bid falls back', async () => {
        await filled(order());
        const placed = await working(order({ side: 'sell', type: 'trailing_stop', trailPrice: f('1') }));
        await subject.quote('AAPL', 102, 102.02);
        await subject.quote('AAPL', 101.5, 101.52);
        expect(await subject.venue.getOrder(placed.id)).toMatchObject({
          status: 'new',
          trailPrice: f('1'),
          stopPrice: f('101'),
        });
        await subject.quote('AAPL', 100.9, 100.92);
        await subject.eventually('trailing stop filled', () => eventsOf(placed.id).includes('fill'));
        expect(eventOf(placed.id, 'fill')?.execution?.price).toBe(f('100.9'));
        expect(await positionQty()).toBe(f('0'));
      });

      it('trails by a percentage of the high-water mark with a trail percent', async () => {
        await filled(order());
        const placed = await working(order({ side: 'sell', type: 'trailing_stop', trailPercent: f('1') }));
        await subject.quote('AAPL', 102, 102.02); // stop 102 − 1.02 = 100.98
        await subject.quote('AAPL', 100.99, 101.01);
        expect(await subject.venue.getOrder(placed.id)).toMatchObject({
          status: 'new',
          trailPercent: f('1'),
          stopPrice: f('100.98'),
        });
        await subject.quote('AAPL', 100.97, 100.99);
        await subject.eventually('trailing stop filled', () => eventsOf(placed.id).includes('fill'));
        expect(eventOf(placed.id, 'fill')?.execution?.price).toBe(f('100.97'));
      });
    });

    // ---- time in force -------------------------------------------------------------------------

    describe('time in force', () => {
      it('works day and gtc orders until cancelled, reporting their time in force', async () => {
        const day = await working(order({ type: 'limit', limitPrice: f('95'), timeInForce: 'day' }));
        const gtc = await working(order({ type: 'limit', limitPrice: f('94'), timeInForce: 'gtc' }));
        const open = await subject.venue.listOrders({ status: 'open' });
        expect(open.map((o) => [o.id, o.timeInForce, o.status]).sort()).toStrictEqual(
          [
            [day.id, 'day', 'new'],
            [gtc.id, 'gtc', 'new'],
          ].sort(),
        );
        await subject.venue.cancelOrder(day.id);
        await subject.venue.cancelOrder(gtc.id);
        await subject.eventually('both canceled', async () => {
          return (await subject.venue.listOrders({ status: 'open' })).length === 0;
        });
      });

      it('fills what an ioc order can at once and cancels the rest', async () => {
        await subject.quote('AAPL', 100, 100.02, 3);
        const placed = await subject.venue.submitOrder(
          order({ qty: f('5'), type: 'limit', limitPrice: f('100.02'), timeInForce: 'ioc' }),
        );
        await subject.eventually('ioc done', () => eventsOf(placed.id).includes('canceled'));
        expect(eventsOf(placed.id).filter((kind) => kind !== 'pending_new' && kind !== 'new')).toStrictEqual([
          'partial_fill',
          'canceled',
        ]);
        expect(await subject.venue.getOrder(placed.id)).toMatchObject({
          status: 'canceled',
          filledQty: f('3'),
        });
        expect(await positionQty()).toBe(f('3'));
      });

      it('kills a fok order that cannot fill whole, and fills one that can', async () => {
        await subject.quote('AAPL', 100, 100.02, 3);
        const killed = await subject.venue.submitOrder(
          order({ qty: f('5'), type: 'limit', limitPrice: f('100.02'), timeInForce: 'fok' }),
        );
        await subject.eventually('fok killed', () => eventsOf(killed.id).includes('canceled'));
        expect(fillsOf(killed.id)).toStrictEqual([]);
        expect(await subject.venue.getOrder(killed.id)).toMatchObject({
          status: 'canceled',
          filledQty: f('0'),
        });
        const whole = await filled(
          order({ qty: f('3'), type: 'limit', limitPrice: f('100.02'), timeInForce: 'fok' }),
        );
        expect(fillsOf(whole.id).map((event) => event.execution?.qty)).toStrictEqual([f('3')]);
        expect(await positionQty()).toBe(f('3'));
      });

      it('holds opg and cls orders for their auction instead of filling them in the session', async () => {
        const opg = await working(order({ timeInForce: 'opg' }));
        const cls = await working(order({ type: 'limit', limitPrice: f('101'), timeInForce: 'cls' }));
        for (const placed of [opg, cls]) {
          expect(await subject.venue.getOrder(placed.id)).toMatchObject({ status: 'new', filledQty: f('0') });
        }
        expect((await subject.venue.getOrder(opg.id))?.timeInForce).toBe('opg');
        expect((await subject.venue.getOrder(cls.id))?.timeInForce).toBe('cls');
        expect(await positionQty()).toBe(f('0'));
        await subject.venue.cancelOrder(opg.id);
        await subject.venue.cancelOrder(cls.id);
        await subject.eventually('auction orders canceled', async () => {
          return (await subject.venue.listOrders({ status: 'open' })).length === 0;
        });
      });

      it.each([
        [
          'trailing_stop with ioc',
          { side: 'buy', type: 'trailing_stop', trailPrice: f('1'), timeInForce: 'ioc' },
          'trailing_stop orders must be day or gtc',
        ],
        [
          'stop with opg',
          { type: 'stop', stopPrice: f('101'), timeInForce: 'opg' },
          'opg orders must be market or limit orders',
        ],
        [
          'stop_limit with cls',
          { type: 'stop_limit', stopPrice: f('101'), limitPrice: f('101.5'), timeInForce: 'cls' },
          'cls orders must be market or limit orders',
        ],
        [
          'bracket with ioc',
          {
            timeInForce: 'ioc',
            orderClass: 'bracket',
            takeProfit: { limitPrice: f('110') },
            stopLoss: { stopPrice: f('95') },
          },
          'bracket orders must have time_in_force day or gtc',
        ],
        [
          'extended hours on a market order',
          { extendedHours: true },
          'extended hours orders must be limit orders with time_in_force day or gtc',
        ],
      ] as const)('refuses %s with a message that names the rule', async (_what, overrides, message) => {
        const refused = await failure(subject.venue.submitOrder(order(overrides as Partial<OrderRequest>)));
        expect(refused).toBeInstanceOf(VenueRejectedError);
        expect(refused).toMatchObject({ status: 422, code: 42210000, venueMessage: message });
        expect(await subject.venue.listOrders({ status: 'all' })).toStrictEqual([]);
      });
    });

    // ---- order classes -------------------------------------------------------------------------

    describe('order classes', () => {
      /** The open orders on the exit side, by type. */
      async function exits(
        side: 'buy' | 'sell',
        on: VenueUnderTest = subject,
      ): Promise<Map<string, VenueOrder>> {
        const open = await on.venue.listOrders({ status: 'open' });
        return new Map(open.filter((o) => o.side === side).map((o) => [o.type, o]));
      }

      it('reports a simple order with no order class', async () => {
        const placed = await filled(order());
        expect(placed.orderClass).toBe('');
      });

      it('holds a bracket’s legs until the entry fills, then works them', async () => {
        const placed = await subject.venue.submitOrder(
          order({
            orderClass: 'bracket',
            takeProfit: { limitPrice: f('110') },
            stopLoss: { stopPrice: f('95') },
          }),
        );
        expect(placed.orderClass).toBe('bracket');
        await subject.eventually('entry filled', () => eventsOf(placed.id).includes('fill'));
        await subject.eventually('legs working', async () => {
          const legs = [...(await exits('sell')).values()];
          return legs.length === 2 && legs.every((leg) => leg.status === 'new');
        });
        const legs = [...(await exits('sell')).values()];
        expect(legs.map((leg) => [leg.type, leg.orderClass, leg.qty]).sort()).toStrictEqual([
          ['limit', 'bracket', f('10')],
          ['stop', 'bracket', f('10')],
        ]);
      });

      it('cancels a bracket’s stop-loss when its take-profit fills', async () => {
        await filled(
          order({
            orderClass: 'bracket',
            takeProfit: { limitPrice: f('110') },
            stopLoss: { stopPrice: f('95') },
          }),
        );
        await subject.eventually('legs working', async () => (await exits('sell')).size === 2);
        const legs = await exits('sell');
        const takeProfit = legs.get('limit')!;
        const stopLoss = legs.get('stop')!;
        await subject.quote('AAPL', 110.01, 110.03);
        await subject.eventually('take-profit filled, stop canceled', () =>
          eventsOf(stopLoss.id).includes('canceled'),
        );
        expect(eventOf(takeProfit.id, 'fill')?.execution?.price).toBe(f('110.01'));
        expect(fillsOf(stopLoss.id)).toStrictEqual([]);
        expect(await statusOf(stopLoss.id)).toBe('canceled');
        expect(await positionQty()).toBe(f('0'));
      });

      it('cancels a bracket’s held legs when its entry is cancelled unfilled', async () => {
        const placed = await working(
          order({
            type: 'limit',
            limitPrice: f('95'),
            orderClass: 'bracket',
            takeProfit: { limitPrice: f('110') },
            stopLoss: { stopPrice: f('90') },
          }),
        );
        const held = (await subject.venue.listOrders({ status: 'open' })).filter((o) => o.side === 'sell');
        expect(held.map((leg) => leg.status)).toStrictEqual(['held', 'held']);
        await subject.venue.cancelOrder(placed.id);
        await subject.eventually('group canceled', async () => {
          return (await subject.venue.listOrders({ status: 'open' })).length === 0;
        });
        for (const leg of held) expect(await statusOf(leg.id)).toBe('canceled');
      });

      it('works an oco exit as a limit and a stop, and the stop firing cancels the limit', async () => {
        await filled(order());
        // Alpaca takes an oco order's limit from its take_profit: no limit_price needed.
        const placed = await working(
          order({
            side: 'sell',
            type: 'limit',
            orderClass: 'oco',
            takeProfit: { limitPrice: f('110') },
            stopLoss: { stopPrice: f('95') },
          }),
        );
        expect(placed).toMatchObject({ orderClass: 'oco', limitPrice: f('110'), type: 'limit' });
        await subject.eventually('both exits working', async () => {
          const legs = await exits('sell');
          return legs.size === 2 && [...legs.values()].every((leg) => leg.status === 'new');
        });
        const stopLoss = (await exits('sell')).get('stop')!;
        expect(stopLoss.orderClass).toBe('oco');
        await subject.quote('AAPL', 94.9, 94.95);
        await subject.eventually('stop filled, limit canceled', () =>
          eventsOf(placed.id).includes('canceled'),
        );
        expect(eventOf(stopLoss.id, 'fill')?.execution?.price).toBe(f('94.9'));
        expect(fillsOf(placed.id)).toStrictEqual([]);
        expect(await positionQty()).toBe(f('0'));
      });

      it('sends an oto order’s one leg once the entry fills', async () => {
        const placed = await filled(order({ orderClass: 'oto', stopLoss: { stopPrice: f('95') } }));
        expect(placed.orderClass).toBe('oto');
        await subject.eventually(
          'leg working',
          async () => (await exits('sell')).get('stop')?.status === 'new',
        );
        const legs = await exits('sell');
        expect([...legs.keys()]).toStrictEqual(['stop']);
        const leg = legs.get('stop')!;
        expect(leg).toMatchObject({ orderClass: 'oto', qty: f('10'), stopPrice: f('95') });
        await subject.quote('AAPL', 94.9, 94.95);
        await subject.eventually('leg filled', () => eventsOf(leg.id).includes('fill'));
        expect(await positionQty()).toBe(f('0'));
      });
    });

    // ---- partial fills -------------------------------------------------------------------------

    describe('partial fills', () => {
      it('fills in parts against a thin book, and completes when more size shows', async () => {
        await subject.quote('AAPL', 100, 100.02, 3);
        const placed = await subject.venue.submitOrder(
          order({ qty: f('5'), type: 'limit', limitPrice: f('100.02') }),
        );
        await subject.eventually('partly filled', () => eventsOf(placed.id).includes('partial_fill'));
        const partial = eventOf(placed.id, 'partial_fill');
        expect(partial?.execution?.qty).toBe(f('3'));
        expect(partial?.order).toMatchObject({ status: 'partially_filled', filledQty: f('3') });
        expect(await positionQty()).toBe(f('3'));
        await subject.quote('AAPL', 100, 100.02, 500);
        await subject.eventually('filled', () => eventsOf(placed.id).includes('fill'));
        expect(eventOf(placed.id, 'fill')?.execution).toMatchObject({ qty: f('2'), positionQty: f('5') });
        expect(await subject.venue.getOrder(placed.id)).toMatchObject({
          status: 'filled',
          filledQty: f('5'),
          filledAvgPrice: f('100.02'),
        });
        expect(await positionQty()).toBe(f('5'));
      });
    });

    // ---- cancels and replaces ------------------------------------------------------------------

    describe('cancels and replaces', () => {
      it('replaces a working order with a new one that names it', async () => {
        const placed = await working(order({ type: 'limit', limitPrice: f('95') }));
        const replacement = await subject.venue.replaceOrder(placed.id, { limitPrice: f('96') });
        expect(replacement).toMatchObject({ replaces: placed.id, limitPrice: f('96') });
        await subject.eventually('replaced', () => eventsOf(placed.id).includes('replaced'));
        expect((await subject.venue.getOrder(placed.id))?.replacedBy).toBe(replacement.id);
        await subject.eventually(
          'replacement working',
          async () => (await statusOf(replacement.id)) === 'new',
        );
        expect((await subject.venue.listOrders({ status: 'open' })).map((o) => o.id)).toStrictEqual([
          replacement.id,
        ]);
      });

      it('refuses to cancel an order that already filled, which stays filled once', async () => {
        const placed = await filled(order());
        const refused = await failure(subject.venue.cancelOrder(placed.id));
        expect(refused).toBeInstanceOf(VenueRejectedError);
        expect(refused).toMatchObject({
          status: 422,
          code: 42210000,
          venueMessage: 'order is already in "filled" state',
        });
        expect(await subject.venue.getOrder(placed.id)).toMatchObject({
          status: 'filled',
          filledQty: f('10'),
        });
        expect(fillsOf(placed.id)).toHaveLength(1);
        expect(await positionQty()).toBe(f('10'));
      });

      it('ends a cancel sent right after a marketable order one way, never with a double fill', async () => {
        const placed = await subject.venue.submitOrder(order());
        const cancel = await subject.venue.cancelOrder(placed.id).then(
          () => 'accepted' as const,
          (error: unknown) => error,
        );
        if (cancel !== 'accepted') {
          expect(cancel).toBeInstanceOf(VenueRejectedError);
          expect(cancel).toMatchObject({ status: 422 });
        }
        await subject.eventually('final', async () => {
          const status = await statusOf(placed.id);
          return status === 'filled' || status === 'canceled';
        });
        // A cancel the fill beat is answered on the stream.
        if (cancel === 'accepted' && (await statusOf(placed.id)) === 'filled') {
          await subject.eventually('cancel rejected', () =>
            eventsOf(placed.id).includes('order_cancel_rejected'),
          );
        }
        const final = await subject.venue.getOrder(placed.id);
        const fills = fillsOf(placed.id);
        expect(fills.length).toBeLessThanOrEqual(1);
        expect(final?.filledQty).toBe(final?.status === 'filled' ? f('10') : f('0'));
        expect(await positionQty()).toBe(final?.filledQty);
      });

      it('lets a fill beat a pending cancel: the cancel is rejected on the stream', async () => {
        const slow = await openOwn({ latencyMs: RACE_LATENCY_MS });
        const placed = await working(order({ type: 'limit', limitPrice: f('99') }), slow);
        await slow.venue.cancelOrder(placed.id);
        await slow.quote('AAPL', 98.9, 98.95);
        await slow.eventually('cancel rejected', () => eventsOf(placed.id).includes('order_cancel_rejected'));
        expect(eventsOf(placed.id).filter((kind) => kind !== 'pending_new' && kind !== 'new')).toStrictEqual([
          'pending_cancel',
          'fill',
          'order_cancel_rejected',
        ]);
        expect(eventOf(placed.id, 'fill')?.execution?.price).toBe(f('98.95'));
        expect(await statusOf(placed.id, slow)).toBe('filled');
        expect(await positionQty(slow)).toBe(f('10'));
      });

      it('lets a fill beat a pending replace: the replacement is rejected, the order filled once', async () => {
        const slow = await openOwn({ latencyMs: RACE_LATENCY_MS });
        const placed = await working(order({ type: 'limit', limitPrice: f('99') }), slow);
        const replacement = await slow.venue.replaceOrder(placed.id, { limitPrice: f('99.5') });
        expect(replacement.replaces).toBe(placed.id);
        await slow.quote('AAPL', 98.9, 98.95);
        await slow.eventually('replace rejected', () =>
          eventsOf(placed.id).includes('order_replace_rejected'),
        );
        expect(eventsOf(placed.id).filter((kind) => kind !== 'pending_new' && kind !== 'new')).toStrictEqual([
          'pending_replace',
          'fill',
          'order_replace_rejected',
        ]);
        expect(await slow.venue.getOrder(placed.id)).toMatchObject({
          status: 'filled',
          filledQty: f('10'),
          replacedBy: null,
        });
        expect(await statusOf(replacement.id, slow)).toBe('rejected');
        expect(fillsOf(replacement.id)).toStrictEqual([]);
        expect(await positionQty(slow)).toBe(f('10'));
      });

      it('replaces a partly filled order with one for the rest', async () => {
        await subject.quote('AAPL', 100, 100.02, 3);
        const placed = await subject.venue.submitOrder(order({ type: 'limit', limitPrice: f('100.02') }));
        await subject.eventually('partly filled', () => eventsOf(placed.id).includes('partial_fill'));
        const replacement = await subject.venue.replaceOrder(placed.id, { limitPrice: f('100.03') });
        expect(replacement).toMatchObject({ replaces: placed.id, qty: f('7'), limitPrice: f('100.03') });
        await subject.eventually('replaced', () => eventsOf(placed.id).includes('replaced'));
        expect(await subject.venue.getOrder(placed.id)).toMatchObject({
          status: 'replaced',
          filledQty: f('3'),
          replacedBy: replacement.id,
        });
        await subject.quote('AAPL', 100, 100.02, 500);
        await subject.eventually('replacement filled', () => eventsOf(replacement.id).includes('fill'));
        expect(eventOf(replacement.id, 'fill')?.execution?.qty).toBe(f('7'));
        expect(await positionQty()).toBe(f('10'));
      });

      it('refuses to replace an order that already filled', async () => {
        const placed = await filled(order({ type: 'limit', limitPrice: f('101') }));
        const refused = await failure(subject.venue.replaceOrder(placed.id, { limitPrice: f('100.5') }));
        expect(refused).toBeInstanceOf(VenueRejectedError);
        expect(refused).toMatchObject({
          status: 422,
          code: 42210000,
          venueMessage: 'order is already in "filled" state',
        });
        expect(await subject.venue.listOrders({ status: 'all' })).toHaveLength(1);
      });

      it('rejects a cancel sent while a replace is pending, on the stream, and the replace goes through', async () => {
        const slow = await openOwn({ latencyMs: RACE_LATENCY_MS });
        const placed = await working(order({ type: 'limit', limitPrice: f('95') }), slow);
        const replacement = await slow.venue.replaceOrder(placed.id, { limitPrice: f('96') });
        await slow.venue.cancelOrder(placed.id);
        await slow.eventually('replaced', () => eventsOf(placed.id).includes('replaced'));
        await slow.eventually('cancel rejected', () => eventsOf(placed.id).includes('order_cancel_rejected'));
        expect(await statusOf(placed.id, slow)).toBe('replaced');
        await slow.eventually(
          'replacement working',
          async () => (await statusOf(replacement.id, slow)) === 'new',
        );
      });

      it('refuses to cancel an order already cancelled, and an order it never had', async () => {
        const placed = await working(order({ type: 'limit', limitPrice: f('95') }));
        await subject.venue.cancelOrder(placed.id);
        await subject.eventually('canceled', () => eventsOf(placed.id).includes('canceled'));
        const again = await failure(subject.venue.cancelOrder(placed.id));
        expect(again).toBeInstanceOf(VenueRejectedError);
        expect(again).toMatchObject({
          status: 422,
          code: 42210000,
          venueMessage: 'order is already in "canceled" state',
        });
        expect(eventsOf(placed.id).filter((kind) => kind === 'canceled')).toHaveLength(1);
        const unknown = await failure(subject.venue.cancelOrder('00000000-0000-4000-8000-000000000000'));
        expect(unknown).toBeInstanceOf(VenueRejectedError);
        expect(unknown).toMatchObject({ status: 404, code: 40410000 });
      });
    });

    // ---- rejections ----------------------------------------------------------------------------

    describe('rejections', () => {
      it('refuses a second order with the same client_order_id, and finds orders by it', async () => {
        const first = order({ type: 'limit', limitPrice: f('95') });
        const placed = await subject.venue.submitOrder(first);
        const second = await failure(subject.venue.submitOrder(first));
        expect(second).toBeInstanceOf(VenueRejectedError);
        expect(second).toMatchObject({
          status: 422,
          code: 40010001,
          venueMessage: 'client_order_id must be unique',
          clientOrderId: first.clientOrderId,
        });
        expect((await subject.venue.getOrderByClientOrderId(first.clientOrderId))?.id).toBe(placed.id);
        expect(await subject.venue.getOrderByClientOrderId('contract-never-sent')).toBeNull();
        expect(await subject.venue.listOrders({ status: 'all' })).toHaveLength(1);
      });

      it('refuses a malformed order with the broker’s status and code, placing nothing', async () => {
        const refused = await failure(subject.venue.submitOrder(order({ type: 'limit' })));
        expect(refused).toBeInstanceOf(VenueRejectedError);
        expect(refused).toMatchObject({
          status: 422,
          code: 40010001,
          venueMessage: 'limit_price is required for limit orders',
        });
        expect(await subject.venue.listOrders({ status: 'all' })).toStrictEqual([]);
      });

      it.each([
        ['zero', '0'],
        ['negative', '-5'],
      ])('refuses a %s quantity, placing nothing', async (_what, qty) => {
        const refused = await failure(subject.venue.submitOrder(order({ qty: f(qty) })));
        expect(refused).toBeInstanceOf(VenueRejectedError);
        expect(refused).toMatchObject({
          status: 422,
          code: 40010001,
          venueMessage: 'qty must be greater than 0',
        });
        expect(await subject.venue.listOrders({ status: 'all' })).toStrictEqual([]);
      });

      it('refuses a symbol it does not list', async () => {
        const refused = await failure(subject.venue.submitOrder(order({ symbol: 'NOSUCH' })));
        expect(refused).toBeInstanceOf(VenueRejectedError);
        expect(refused).toMatchObject({
          status: 422,
          code: 42210000,
          venueMessage: 'asset "NOSUCH" not found',
        });
        expect(await subject.venue.listOrders({ status: 'all' })).toStrictEqual([]);
      });

      it('refuses an order beyond the buying power, with the shortfall', async () => {
        const before = await subject.venue.getAccount();
        const refused = await failure(subject.venue.submitOrder(order({ qty: f('5000') })));
        expect(refused).toBeInstanceOf(VenueRejectedError);
        expect(refused).toMatchObject({
          status: 403,
          code: 40310000,
          venueMessage: 'insufficient buying power',
        });
        expect(await subject.venue.listOrders({ status: 'all' })).toStrictEqual([]);
        expect((await subject.venue.getAccount()).buyingPower).toBe(before.buyingPower);
      });
    });

    // ---- rate limit ----------------------------------------------------------------------------

    it('refuses requests beyond its quota with the time the window resets, doing nothing', async () => {
      const limited = await openOwn({ rateLimitPerMinute: 2 });
      const clock = await limited.venue.getClock();
      await limited.venue.getAccount();
      const refused = await failure(limited.venue.submitOrder(order()));
      expect(refused).toBeInstanceOf(VenueRateLimitedError);
      expect(refused).toMatchObject({ status: 429, code: 42910000, venueMessage: 'rate limit exceeded' });
      const resetAtMs = (refused as VenueRateLimitedError).resetAtMs;
      expect(resetAtMs).not.toBeNull();
      expect(resetAtMs!).toBeGreaterThan(clock.timestampMs);
      expect(resetAtMs!).toBeLessThanOrEqual(clock.timestampMs + 61_000);
      const again = await failure(limited.venue.listOrders({ status: 'all' }));
      expect(again).toBeInstanceOf(VenueRateLimitedError);
      expect(events).toStrictEqual([]);
    });

    // ---- account, clock, calendar --------------------------------------------------------------

    it('answers account, clock and calendar', async () => {
      const account = await subject.venue.getAccount();
      expect(account.buyingPower > 0n).toBe(true);
      const clock = await subject.venue.getClock();
      expect(clock.nextCloseMs).toBeGreaterThan(clock.timestampMs);
      const today = new Date(clock.timestampMs).toISOString().slice(0, 10);
      const days = await subject.venue.getCalendar(today, today);
      expect(days.every((day) => /^\d\d:\d\d$/.test(day.open) && /^\d\d:\d\d$/.test(day.close))).toBe(true);
    });
  });
}
