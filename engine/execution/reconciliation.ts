/**
 * Keeps the engine's view of orders and positions equal to the venue's across every gap in the
 * order-event stream. While the stream is not ready, or the gap it left is not yet closed, new
 * entries are refused (exits and cancels still go). When it is ready again the gap is closed
 * from requests: orders open now and orders submitted since shortly before the stream went down
 * are folded in as snapshots (a fill the stream missed is booked once), orders still open here
 * that neither list showed are looked up, positions are checked against the venue's, and only then — with the
 * account — is everyone told the state is reconciled and entries resume.
 */
import type { Logger } from 'pino';
import { type Fixed, formatFixed } from '../../shared/domain/fixed.ts';
import type { Clock } from '../../shared/time/clock.ts';
import type { ConnectionState } from '../../shared/venue/connection-state.ts';
import type { VenueOrder, VenuePosition } from '../../shared/venue/venue-types.ts';
import type { Portfolio } from '../portfolio/portfolio.ts';
import type { ExecutionEvents } from './execution-events.ts';
import type { OrderGateway } from './order-gateway.ts';
import type { OrderReports } from './order-reports.ts';
import type { OrderTracker } from './order-tracker.ts';

export interface ReconciliationOptions {
  readonly gateway: OrderGateway;
  readonly reports: OrderReports;
  readonly tracker: OrderTracker;
  readonly positions: Portfolio;
  readonly events: ExecutionEvents;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How far before the stream was lost the order query starts (default 60 s). */
  readonly lookbackMs?: number;
}

/** The largest page a venue's order list returns (Alpaca: 500). */
const PAGE_SIZE = 500;

export class Reconciliation {
  readonly #gateway: OrderGateway;
  readonly #reports: OrderReports;
  readonly #tracker: OrderTracker;
  readonly #positions: Portfolio;
  readonly #events: ExecutionEvents;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #lookbackMs: number;
  #connection: ConnectionState = 'idle';
  #synced = false;
  #everSynced = false;
  #streamLostAtMs: number | null = null;
  #running: Promise<void> | null = null;
  #runAgain = false;

  constructor(options: ReconciliationOptions) {
    this.#gateway = options.gateway;
    this.#reports = options.reports;
    this.#tracker = options.tracker;
    this.#positions = options.positions;
    this.#events = options.events;
    this.#clock = options.clock;
    this.#log = options.logger;
    this.#lookbackMs = options.lookbackMs ?? 60_000;
  }

  /** New entries are allowed: the stream is up and the gap since it last went down is closed. */
  get entriesAllowed(): boolean {
    return this.#connection === 'ready' && this.#synced;
  }

  get connectionState(): ConnectionState {
    return this.#connection;
  }

  /** Why entries are paused, for the refusal; null while they are allowed. */
  get pauseReason(): string | null {
    if (this.entriesAllowed) return null;
    return `trade updates ${this.#connection}${this.#synced ? '' : ', not yet reconciled'}`;
  }

  /** Follows the venue's order-event connection: unreconciled when it drops, reconciling when it is back. */
  onConnectionState(state: ConnectionState, fault: Error | null = null): void {
    const previous = this.#connection;
    this.#connection = state;
    if (state === 'ready') {
      void this.resync();
    } else if (previous === 'ready' || this.#synced) {
      this.#synced = false;
      // The earliest loss not yet reconciled: a second outage during a resync widens the window.
      this.#streamLostAtMs ??= this.#clock.nowMs();
      this.#events.publish({ type: 'unreconciled', reason: `trade updates stream ${state}` });
    }
    this.#events.publish({ type: 'connection', state, fault });
  }

  /** Closes the gap from requests; concurrent calls share one run. */
  resync(): Promise<void> {
    if (this.#running !== null) {
      // A run already under way may have read the venue before this request's reason arose.
      this.#runAgain = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#runAgain = false;
        await this.#run();
      } while (this.#runAgain);
    })().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #run(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const since = (this.#streamLostAtMs ?? this.#clock.nowMs()) - this.#lookbackMs;
        const [open, recent] = await Promise.all([
          this.#gateway.query((venue) => venue.listOrders({ status: 'open', limit: PAGE_SIZE })),
          this.#ordersSince(since),
        ]);
        for (const order of [...recent, ...open]) this.#reports.reconciled(order);
        await this.#resolveVanished(new Set([...recent, ...open].map((order) => order.clientOrderId)));
        const [positions, account] = await Promise.all([
          this.#gateway.query((venue) => venue.listPositions()),
          this.#gateway.query((venue) => venue.getAccount()),
        ]);
        this.#checkPositions(positions);
        if (this.#connection === 'ready' && !this.#runAgain) {
          this.#synced = true;
          this.#everSynced = true;
          this.#streamLostAtMs = null;
          this.#events.publish({ type: 'reconciled', account });
          this.#log.info({ orders: open.length + recent.length }, 'trading state reconciled; entries resume');
        }
        return;
      } catch (error) {
        this.#log.warn({ attempt, err: error }, 'resync failed, will retry');
        if (this.#connection !== 'ready') return;
        await this.#gateway.pauseBeforeRetry(attempt);
      }
    }
  }

  /** Every order submitted after `sinceMs`, oldest first, page by page. */
  async #ordersSince(sinceMs: number): Promise<VenueOrder[]> {
    const orders: VenueOrder[] = [];
    let afterMs = sinceMs;
    for (;;) {
      const from = afterMs;
      const page = await this.#gateway.query((venue) =>
        venue.listOrders({ status: 'all', afterMs: from, limit: PAGE_SIZE, direction: 'asc' }),
      );
      orders.push(...page);
      const last = page.at(-1);
      // `after` is exclusive and has millisecond resolution here: step back 1 ms so orders sharing
      // the last one's millisecond are not skipped (seeing one twice is harmless).
      if (page.length < PAGE_SIZE || last === undefined || last.createdAtMs - 1 <= afterMs) return orders;
      afterMs = last.createdAtMs - 1;
    }
  }

  /**
   * Orders still open here that neither list showed are looked up one by one: one we sent with no
   * answer, or one that finished at the venue before the window the lists cover while its events
   * were late. Their fills must be booked before positions are compared, or the venue's position
   * would be taken now and the fill booked again when the order's report arrives.
   */
  async #resolveVanished(listed: ReadonlySet<string>): Promise<void> {
    for (const state of this.#tracker.openOrders()) {
      if (listed.has(state.clientOrderId)) continue;
      const found = await this.#gateway.lookup(state.clientOrderId, 'query');
      if (found !== null && found !== 'failed') this.#reports.reconciled(found);
    }
  }

  /**
   * The venue's positions are the truth. At the first sync they seed the position book; later, a
   * difference left after reconciling every order means a fill was lost or doubled, so it is
   * logged as an error before the venue's figure is taken.
   */
  #checkPositions(positions: readonly VenuePosition[]): void {
    const venue = new Map(positions.map((position) => [position.symbol, position]));
    const symbols = new Set([...venue.keys(), ...this.#positions.openPositions().map((p) => p.symbol)]);
    for (const symbol of symbols) {
      const ours = this.#positions.position(symbol);
      const theirs = venue.get(symbol);
      const theirQty = (theirs?.qty ?? 0n) as Fixed;
      // At the first sync (a restart) the session's orders were folded in whole, one order at a
      // time, which gets the quantity right but not the average entry when the position went flat
      // or flipped in between: the venue's average is taken too (found by simtest seed 57).
      const sameEntry = this.#everSynced || theirQty === 0n || ours.avgEntryPrice === theirs?.avgEntryPrice;
      if (ours.qty === theirQty && sameEntry) continue;
      const details = { symbol, ours: formatFixed(ours.qty), broker: formatFixed(theirQty) };
      if (this.#everSynced)
        this.#log.error(details, 'position differs from the broker; taking the broker position');
      else this.#log.info(details, 'position restored from the broker');
      this.#positions.restorePosition(symbol, theirQty, (theirs?.avgEntryPrice ?? 0n) as Fixed);
    }
  }
}
