/**
 * What must hold whatever the faults, judged from the venue's side (what it holds and reported),
 * never from the engine's own bookkeeping alone:
 *
 * - one venue order per intent: every order the venue accepted is one the engine announced
 *   (order_sending) or a replacement it asked for, and no intent has two;
 * - entries only while allowed: nothing that adds exposure reaches the venue while the breaker
 *   is open, the kill switch is in force, or before the engine has reconciled with the venue;
 * - exposure on entered orders within the limits: at the moment an entry reaches the venue, its
 *   symbol's position (at its average entry) plus the working orders that would add to it (at
 *   their limits) plus the entry itself stay within max_position_notional_usd, and across
 *   symbols within max_total_exposure_usd; the order itself within the order caps;
 * - every fill booked exactly once: no execution booked twice, and for each order the quantity
 *   booked equals the quantity the venue executed;
 * - positions equal the venue's at the end (quantity and average entry);
 * - malformed market-data frames are never acted on;
 * - a risk exit (a stop's, the kill switch's) reaches the venue only once no other order in its
 *   symbol still works there: the executor waits for its cancels to be confirmed;
 * - fencing: no order reaches the venue and nothing is written to the store by an engine that does
 *   not hold an unexpired lease at that instant (checked by the harness against the lease item);
 * - nothing lost across restarts: every order the venue accepted is in the store (or known to the
 *   final engine), and for every order the store's fills add up to what the venue executed;
 * - every stop that triggered ends flat or protected: after the stop, the venue's position in its
 *   symbol went to zero at some instant, or at the end an exit of risk's works there.
 * - cancels only under the lease: a cancel (of one order, or of all) reaches the venue only from
 *   whoever holds the lease then — the trading engine, or the watchdog (or an engine's lease-loss
 *   cancel) under its own hold on a lapsed lease — so nobody cancels a new holder's orders;
 * - no orphaned orders: once a lease has lapsed without a clean release and nobody has taken it
 *   for longer than the watchdog needs, no order works at the venue any more.
 * - P&L equals the venue's: at the end, per symbol and in total, the P&L the engine realised is
 *   what the venue's executions realise by average cost (the engine's portfolio's method);
 * - no order priced outside the limit-up/limit-down band the feed last gave its engine, when it
 *   reaches the venue;
 * - no entry sent while the market-data feed is stale or reconnecting;
 * - a replaced order and its replacements together fill no more than the order asked for;
 * - a feed's gap backfilled: after a silence, every minute bar the market made in it is in the
 *   engine's bar series.
 *
 * Each check takes plain records, so its own test can feed it a breaking case.
 */
import type { RiskLimits } from '../shared/config/risk-schema.ts';
import type { Fill } from '../shared/domain/fill.ts';
import { type Fixed, fixedToNumber, formatFixed, ZERO } from '../shared/domain/fixed.ts';
import type { OrderSide } from '../shared/domain/order.ts';
import type { OrderRequest } from '../shared/venue/venue-types.ts';

export interface Violation {
  readonly invariant: string;
  readonly atMs: number;
  readonly detail: string;
}

/** The engine's gates at the instant an order first reaches the venue. */
export interface EngineGates {
  readonly breakerState: string;
  readonly killSwitch: boolean;
  readonly entriesAllowed: boolean;
}

/** One symbol as the venue holds it at that instant. */
export interface VenueSymbolState {
  readonly positionQty: Fixed;
  readonly avgEntryPrice: Fixed;
  /** Working orders: side, what is left of them and their limit price (null: a market order). */
  readonly working: readonly {
    readonly side: OrderSide;
    readonly remainingQty: Fixed;
    readonly limitPrice: Fixed | null;
  }[];
}

/** Exposure-adding when it buys onto a long or flat book, or sells onto a short or flat one. */
export function addsExposure(side: OrderSide, positionQty: Fixed): boolean {
  return side === 'buy' ? positionQty >= ZERO : positionQty <= ZERO;
}

/** The symbol's worst case in dollars if every working order on the request's side filled. */
function worstCaseUsd(state: VenueSymbolState, side: OrderSide): number {
  let usd = Math.abs(fixedToNumber(state.positionQty) * fixedToNumber(state.avgEntryPrice));
  for (const order of state.working) {
    if (order.side !== side || order.limitPrice === null) continue;
    usd += fixedToNumber(order.remainingQty) * fixedToNumber(order.limitPrice);
  }
  return usd;
}

/** The lease item as the store holds it at an instant. */
export interface LeaseView {
  readonly holderId: string;
  readonly fencingToken: number;
  readonly status: 'held' | 'released';
  readonly expiresAtMs: number;
}

/** Float sums of exact values: a cent of slack is far below any limit and far above the rounding. */
const TOLERANCE_USD = 0.01;
/**
 * Realised P&L: the engine rounds each closing fill's to 1e-9, and a reconciliation may take the
 * venue's average entry at 1e-9 (ENTRY_SLACK in run-seed.ts); a missed or phantom share is cents.
 */
const PNL_TOLERANCE_USD = 1e-5;

/** One execution as the venue made it. */
export interface VenueExecution {
  readonly symbol: string;
  readonly side: OrderSide;
  readonly qty: Fixed;
  readonly price: Fixed;
}

/** Realised P&L per symbol by average cost: a reduction realises against the average, which it leaves. */
export function realizedByAverageCost(executions: readonly VenueExecution[]): Map<string, number> {
  const books = new Map<string, { qty: number; avg: number; realized: number }>();
  for (const execution of executions) {
    const book = books.get(execution.symbol) ?? { qty: 0, avg: 0, realized: 0 };
    books.set(execution.symbol, book);
    const price = fixedToNumber(execution.price);
    let remaining = fixedToNumber(execution.qty);
    const direction = execution.side === 'buy' ? 1 : -1;
    if (book.qty !== 0 && Math.sign(book.qty) !== direction) {
      const closing = Math.min(remaining, Math.abs(book.qty));
      book.realized += Math.sign(book.qty) * closing * (price - book.avg);
      book.qty += direction * closing;
      remaining -= closing;
      if (book.qty === 0) book.avg = 0;
    }
    if (remaining > 0) {
      const open = Math.abs(book.qty);
      book.avg = (book.avg * open + price * remaining) / (open + remaining);
      book.qty += direction * remaining;
    }
  }
  return new Map([...books].map(([symbol, book]) => [symbol, book.realized]));
}

export class InvariantMonitor {
  readonly violations: Violation[] = [];
  readonly #limits: RiskLimits;
  /** Symbols whose latest stop has not yet seen the venue's position at zero, with its instant. */
  readonly #stopsOpen = new Map<string, number>();
  /** Lapsed leases (holder and token) already reported with orphaned orders: one violation each. */
  readonly #orphansReported = new Set<string>();

  constructor(limits: RiskLimits) {
    this.#limits = limits;
  }

  fail(invariant: string, atMs: number, detail: string): void {
    this.violations.push({ invariant, atMs, detail });
  }

  /**
   * An order's first attempt reaching the venue. `symbols` is every symbol's venue state then;
   * `price` the order's price for exposure (its limit, or the touch for a market order).
   */
  onEntered(
    atMs: number,
    request: OrderRequest,
    price: Fixed,
    gates: EngineGates,
    symbols: ReadonlyMap<string, VenueSymbolState>,
  ): void {
    const state = symbols.get(request.symbol);
    const positionQty = state?.positionQty ?? ZERO;
    if (!addsExposure(request.side, positionQty)) return;
    const what = `${request.side} ${formatFixed(request.qty)} ${request.symbol} (${request.clientOrderId})`;
    if (gates.breakerState !== 'normal')
      this.fail('no_entry_while_breaker_open', atMs, `${what} sent with the breaker ${gates.breakerState}`);
    if (gates.killSwitch)
      this.fail('no_entry_while_breaker_open', atMs, `${what} sent under the kill switch`);
    if (!gates.entriesAllowed)
      this.fail('no_entry_before_reconciliation', atMs, `${what} sent before the engine reconciled`);

    const limits = this.#limits.limits;
    const orderUsd = fixedToNumber(request.qty) * fixedToNumber(price);
    if (request.qty > limits.max_order_qty)
      this.fail('exposure_within_limits', atMs, `${what} is over max_order_qty`);
    if (orderUsd > fixedToNumber(limits.max_order_notional_usd) + TOLERANCE_USD)
      this.fail(
        'exposure_within_limits',
        atMs,
        `${what} is $${orderUsd.toFixed(2)}, over max_order_notional_usd`,
      );
    const symbolUsd = (state === undefined ? 0 : worstCaseUsd(state, request.side)) + orderUsd;
    if (symbolUsd > fixedToNumber(limits.max_position_notional_usd) + TOLERANCE_USD)
      this.fail(
        'exposure_within_limits',
        atMs,
        `${what} makes ${request.symbol}'s worst case $${symbolUsd.toFixed(2)}, over max_position_notional_usd`,
      );
    let totalUsd = orderUsd;
    for (const [symbol, other] of symbols) {
      const side: OrderSide = other.positionQty < ZERO ? 'sell' : 'buy';
      totalUsd += symbol === request.symbol ? worstCaseUsd(other, request.side) : worstCaseUsd(other, side);
    }
    if (totalUsd > fixedToNumber(limits.max_total_exposure_usd) + TOLERANCE_USD)
      this.fail(
        'exposure_within_limits',
        atMs,
        `${what} makes the gross worst case $${totalUsd.toFixed(2)}, over max_total_exposure_usd`,
      );
  }

  /** A risk exit's first attempt reaching the venue, with the venue's other open orders in its symbol. */
  onRiskExit(atMs: number, request: OrderRequest, otherOpenOrders: readonly string[]): void {
    if (otherOpenOrders.length === 0) return;
    this.fail(
      'exit_after_cancels_confirmed',
      atMs,
      `exit ${request.clientOrderId} (${request.side} ${formatFixed(request.qty)} ${request.symbol}) reached the venue while ${otherOpenOrders.join(', ')} still worked there`,
    );
  }

  /** A stop triggered on `symbol`, the venue holding `venueQty` of it then. */
  onStop(atMs: number, symbol: string, venueQty: Fixed): void {
    if (venueQty === ZERO) this.#stopsOpen.delete(symbol);
    else if (!this.#stopsOpen.has(symbol)) this.#stopsOpen.set(symbol, atMs);
  }

  /** The venue's position in `symbol` changed to `qty`. */
  onVenuePosition(symbol: string, qty: Fixed): void {
    if (qty === ZERO) this.#stopsOpen.delete(symbol);
  }

  /**
   * At the end, every stop's symbol went flat at the venue after it triggered, or one of risk's
   * exits still works there (`protectedSymbols`). Stops from `unjudgedFromMs` on are not judged:
   * an exit needs a fresh price, and a run's market data ends before the run does.
   */
  checkStops(
    atMs: number,
    venueQty: ReadonlyMap<string, Fixed>,
    protectedSymbols: ReadonlySet<string>,
    unjudgedFromMs = Number.POSITIVE_INFINITY,
  ): void {
    for (const [symbol, stopMs] of this.#stopsOpen) {
      if (protectedSymbols.has(symbol) || stopMs >= unjudgedFromMs) continue;
      this.fail(
        'stop_ends_flat_or_protected',
        atMs,
        `a stop on ${symbol} triggered at ${new Date(stopMs).toISOString()}; the venue still holds ${formatFixed(venueQty.get(symbol) ?? ZERO)} with no exit working`,
      );
    }
  }

  /**
   * A cancel reaching the venue: `what` says whose and of what, `holders` are the holder ids the
   * canceller acts under, `lease` the lease item at that instant.
   */
  onCancel(atMs: number, what: string, holders: readonly string[], lease: LeaseView | null): void {
    if (lease?.status === 'held' && atMs < lease.expiresAtMs && holders.includes(lease.holderId)) return;
    this.fail(
      'no_cancel_without_lease',
      atMs,
      `${what} reached the venue while ${
        lease === null
          ? 'no lease existed'
          : lease.status === 'held' && atMs < lease.expiresAtMs
            ? `${lease.holderId} held the lease (token ${lease.fencingToken})`
            : `the lease had lapsed or been released (last holder ${lease.holderId})`
      }`,
    );
  }

  /**
   * At an instant: `working` the orders working at the venue, `lease` the lease item. Orders may
   * outlive a lapsed lease (held, past its expiry: its holder died or hangs) by `boundMs`, the
   * watchdog's time to take it and cancel them, and no longer.
   */
  checkOrphaned(atMs: number, lease: LeaseView | null, working: readonly string[], boundMs: number): void {
    if (lease === null || lease.status !== 'held' || atMs - lease.expiresAtMs <= boundMs) return;
    if (working.length === 0) return;
    const key = `${lease.holderId}/${lease.fencingToken}`;
    if (this.#orphansReported.has(key)) return;
    this.#orphansReported.add(key);
    this.fail(
      'orphaned_orders_cancelled',
      atMs,
      `${working.join(', ')} still worked at the venue ${atMs - lease.expiresAtMs} ms after the lease of ${lease.holderId} (token ${lease.fencingToken}) lapsed`,
    );
  }

  /**
   * What the store holds at the end against what the venue did: `accepted` every order the venue
   * accepted, `stored` the orders in the store, `known` the final engine's own knowledge (an order
   * it adopted), `executed` the venue's quantity per order, `fills` the store's fills of the day.
   */
  checkPersisted(
    atMs: number,
    accepted: readonly string[],
    stored: ReadonlySet<string>,
    known: (clientOrderId: string) => boolean,
    executed: ReadonlyMap<string, Fixed>,
    fills: readonly Fill[],
  ): void {
    for (const clientOrderId of accepted)
      if (!stored.has(clientOrderId) && !known(clientOrderId))
        this.fail(
          'nothing_lost_across_restarts',
          atMs,
          `${clientOrderId}, accepted by the venue, is neither in the store nor known to the final engine`,
        );
    const storedQty = new Map<string, Fixed>();
    for (const fill of fills)
      storedQty.set(fill.clientOrderId, ((storedQty.get(fill.clientOrderId) ?? ZERO) + fill.qty) as Fixed);
    for (const clientOrderId of new Set([...executed.keys(), ...storedQty.keys()])) {
      const venue = executed.get(clientOrderId) ?? ZERO;
      const store = storedQty.get(clientOrderId) ?? ZERO;
      if (venue !== store)
        this.fail(
          'nothing_lost_across_restarts',
          atMs,
          `${clientOrderId}: the venue executed ${formatFixed(venue)}, the store holds fills of ${formatFixed(store)}`,
        );
    }
  }

  /**
   * Orders at the venue against the intents the engine announced: `announced` maps each
   * client_order_id the engine sent to its intent's key; replacements are the engine's own.
   */
  checkOrders(
    atMs: number,
    accepted: readonly { readonly clientOrderId: string; readonly replaces: string | null }[],
    announced: ReadonlyMap<string, string>,
  ): void {
    const byIntent = new Map<string, string[]>();
    for (const order of accepted) {
      if (order.replaces !== null) continue;
      const intent = announced.get(order.clientOrderId);
      if (intent === undefined) {
        this.fail(
          'one_order_per_intent',
          atMs,
          `the venue holds ${order.clientOrderId}, which no intent sent`,
        );
        continue;
      }
      const orders = byIntent.get(intent) ?? [];
      orders.push(order.clientOrderId);
      byIntent.set(intent, orders);
    }
    for (const [intent, orders] of byIntent)
      if (orders.length > 1)
        this.fail(
          'one_order_per_intent',
          atMs,
          `intent ${intent} has ${orders.length} orders: ${orders.join(', ')}`,
        );
  }

  /**
   * Fills: `executed` is the venue's quantity per client_order_id, `booked` what one engine booked
   * per execution (id, client_order_id, quantity), in order. With `executed` null (a run with
   * restarts, where each engine books only what it saw) only the duplicates are checked.
   */
  checkFills(
    atMs: number,
    executed: ReadonlyMap<string, Fixed> | null,
    booked: readonly { readonly executionId: string; readonly clientOrderId: string; readonly qty: Fixed }[],
  ): void {
    const seen = new Set<string>();
    const bookedQty = new Map<string, Fixed>();
    for (const fill of booked) {
      if (seen.has(fill.executionId))
        this.fail('fill_booked_once', atMs, `execution ${fill.executionId} was booked twice`);
      seen.add(fill.executionId);
      bookedQty.set(fill.clientOrderId, ((bookedQty.get(fill.clientOrderId) ?? ZERO) + fill.qty) as Fixed);
    }
    if (executed === null) return;
    for (const clientOrderId of new Set([...executed.keys(), ...bookedQty.keys()])) {
      const venue = executed.get(clientOrderId) ?? ZERO;
      const engine = bookedQty.get(clientOrderId) ?? ZERO;
      if (venue !== engine)
        this.fail(
          'fill_booked_once',
          atMs,
          `${clientOrderId}: the venue executed ${formatFixed(venue)}, the engine booked ${formatFixed(engine)}`,
        );
    }
  }

  /**
   * The engine's positions against the venue's, symbol by symbol. `entrySlack`: how far the
   * average entry may be off (zero: exactly); quantities must always be equal.
   */
  checkPositions(
    atMs: number,
    engine: ReadonlyMap<string, { readonly qty: Fixed; readonly avgEntryPrice: Fixed }>,
    venue: ReadonlyMap<string, { readonly qty: Fixed; readonly avgEntryPrice: Fixed }>,
    entrySlack = 0,
  ): void {
    for (const symbol of new Set([...engine.keys(), ...venue.keys()])) {
      const ours = engine.get(symbol) ?? { qty: ZERO, avgEntryPrice: ZERO };
      const theirs = venue.get(symbol) ?? { qty: ZERO, avgEntryPrice: ZERO };
      if (ours.qty !== theirs.qty)
        this.fail(
          'positions_equal_venue',
          atMs,
          `${symbol}: the engine holds ${formatFixed(ours.qty)}, the venue ${formatFixed(theirs.qty)}`,
        );
      else if (
        ours.qty !== ZERO &&
        Math.abs(fixedToNumber(ours.avgEntryPrice) - fixedToNumber(theirs.avgEntryPrice)) > entrySlack
      )
        this.fail(
          'positions_equal_venue',
          atMs,
          `${symbol}: the engine's average entry ${formatFixed(ours.avgEntryPrice)}, the venue's ${formatFixed(theirs.avgEntryPrice)}`,
        );
    }
  }

  /**
   * The engine's realised P&L (per symbol, and `engineTotal` over all) against the venue's
   * executions in the order the venue made them, by average cost computed here independently.
   */
  checkRealizedPnl(
    atMs: number,
    engine: ReadonlyMap<string, Fixed>,
    engineTotal: Fixed,
    executions: readonly VenueExecution[],
  ): void {
    const venue = realizedByAverageCost(executions);
    let venueTotal = 0;
    for (const symbol of new Set([...engine.keys(), ...venue.keys()])) {
      const theirs = venue.get(symbol) ?? 0;
      venueTotal += theirs;
      const ours = fixedToNumber(engine.get(symbol) ?? ZERO);
      if (Math.abs(ours - theirs) > PNL_TOLERANCE_USD)
        this.fail(
          'pnl_equals_venue',
          atMs,
          `${symbol}: the engine realised $${ours.toFixed(6)}, the venue's executions $${theirs.toFixed(6)}`,
        );
    }
    const total = fixedToNumber(engineTotal);
    if (Math.abs(total - venueTotal) > PNL_TOLERANCE_USD)
      this.fail(
        'pnl_equals_venue',
        atMs,
        `the day: the engine realised $${total.toFixed(6)}, the venue's executions $${venueTotal.toFixed(6)}`,
      );
  }

  /** An order reaching the venue against the symbol's band its engine heard (undefined: none). */
  checkBand(
    atMs: number,
    request: OrderRequest,
    band: { readonly limitUp: number; readonly limitDown: number } | undefined,
  ): void {
    if (band === undefined || request.limitPrice === undefined) return;
    const price = fixedToNumber(request.limitPrice);
    if (price <= band.limitUp && price >= band.limitDown) return;
    this.fail(
      'no_order_outside_luld_band',
      atMs,
      `${request.side} ${formatFixed(request.qty)} ${request.symbol} (${request.clientOrderId}) at ${formatFixed(request.limitPrice)} reached the venue outside the band ${band.limitDown}–${band.limitUp}`,
    );
  }

  /** An order the engine is sending, with the market-data feed's state then. */
  onOrderSending(atMs: number, request: OrderRequest, purpose: string, feedState: string): void {
    if (purpose !== 'entry' || feedState === 'ready') return;
    this.fail(
      'no_entry_on_stale_feed',
      atMs,
      `entry ${request.clientOrderId} (${request.side} ${formatFixed(request.qty)} ${request.symbol}) sent while the feed was ${feedState}`,
    );
  }

  /**
   * An order and its chain of replacements against what the first asked for: `accepted` every
   * order the venue took (a replacement names the venue id of the order it replaced), `executed`
   * the venue's quantity per client_order_id, `asked` each sent order's quantity.
   */
  checkReplacedFills(
    atMs: number,
    accepted: readonly {
      readonly clientOrderId: string;
      readonly orderId: string;
      readonly replaces: string | null;
    }[],
    executed: ReadonlyMap<string, Fixed>,
    asked: ReadonlyMap<string, Fixed>,
  ): void {
    const byOrderId = new Map(accepted.map((order) => [order.orderId, order]));
    const chainFilled = new Map<string, Fixed>();
    const replaced = new Set<string>();
    for (const order of accepted) {
      let root = order;
      while (root.replaces !== null) {
        const previous = byOrderId.get(root.replaces);
        if (previous === undefined) break;
        root = previous;
      }
      if (root !== order) replaced.add(root.clientOrderId);
      const filled = executed.get(order.clientOrderId) ?? ZERO;
      chainFilled.set(root.clientOrderId, ((chainFilled.get(root.clientOrderId) ?? ZERO) + filled) as Fixed);
    }
    for (const clientOrderId of replaced) {
      const want = asked.get(clientOrderId);
      const filled = chainFilled.get(clientOrderId) ?? ZERO;
      if (want !== undefined && filled > want)
        this.fail(
          'replace_fills_within_order',
          atMs,
          `${clientOrderId} asked for ${formatFixed(want)}; with its replacements the venue filled ${formatFixed(filled)}`,
        );
    }
  }

  /** Minute bars the market made in a feed gap that the engine's series lacks (`symbol@minute`). */
  checkBackfill(atMs: number, engine: string, missing: readonly string[]): void {
    if (missing.length === 0) return;
    this.fail(
      'gap_backfilled',
      atMs,
      `${engine} lacks ${missing.length} minute bars of a feed gap: ${missing.slice(0, 5).join(', ')}`,
    );
  }

  checkMalformed(atMs: number, delivered: number): void {
    if (delivered > 0)
      this.fail(
        'malformed_frames_ignored',
        atMs,
        `${delivered} messages from malformed frames reached the engine`,
      );
  }
}
