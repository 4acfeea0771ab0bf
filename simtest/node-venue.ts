/**
 * The venue as one engine process reaches it: its own trade-updates connection over the run's
 * venue, which it starts when it connects, and nothing at all once the process is dead — no
 * answer to a request already made, no order event, no connection change. A request made is
 * the venue's from then on, whatever became of its caller. While the process is paused, what
 * reaches it waits (the process's `deliver` holds it) and arrives when it resumes.
 */
import type { Account } from '../shared/domain/account.ts';
import type { ConnectionState } from '../shared/venue/connection-state.ts';
import type { TradingVenue } from '../shared/venue/trading-venue.ts';
import type {
  BulkItemResult,
  CalendarDay,
  ListOrdersQuery,
  MarketClock,
  OrderRequest,
  ReplaceRequest,
  VenueOrder,
  VenueOrderEvent,
  VenuePosition,
  VenueQuota,
} from '../shared/venue/venue-types.ts';

export interface NodeVenueOptions {
  readonly inner: TradingVenue;
  readonly alive: () => boolean;
  /** Hands what arrives to the process: at once, later (it is paused), or never (it is dead). */
  readonly deliver: (arrival: () => void) => void;
  /** Just before an order (null: a replacement) reaches the venue. */
  readonly sending: (request: OrderRequest | null) => void;
  /** Just before a cancel (of one order, or of all: null) reaches the venue. */
  readonly cancelling: (orderId: string | null) => void;
}

export class NodeVenue implements TradingVenue {
  readonly #inner: TradingVenue;
  readonly #alive: () => boolean;
  readonly #deliver: (arrival: () => void) => void;
  readonly #sending: (request: OrderRequest | null) => void;
  readonly #cancelling: (orderId: string | null) => void;
  readonly #stateListeners = new Set<(state: ConnectionState, fault: Error | null) => void>();
  readonly #eventListeners = new Set<(event: VenueOrderEvent) => void>();
  #state: ConnectionState = 'idle';

  constructor(options: NodeVenueOptions) {
    this.#inner = options.inner;
    this.#alive = options.alive;
    this.#deliver = options.deliver;
    this.#sending = options.sending;
    this.#cancelling = options.cancelling;
    options.inner.onConnectionState((state, fault) => {
      if (this.#state === 'idle' || this.#state === 'stopped') return;
      this.#deliver(() => this.#setState(state, fault));
    });
    options.inner.onOrderEvent((event) => {
      if (this.#state !== 'ready') return;
      this.#deliver(() => {
        for (const listener of this.#eventListeners) listener(event);
      });
    });
  }

  get connectionState(): ConnectionState {
    return this.#state;
  }

  #setState(state: ConnectionState, fault: Error | null): void {
    if (!this.#alive()) return;
    this.#state = state;
    for (const listener of this.#stateListeners) listener(state, fault);
  }

  /** Connects: the run's venue is already up, so this engine's stream is as the venue's is now. */
  start(): void {
    if (this.#state !== 'idle') return;
    this.#setState(this.#inner.connectionState, null);
  }

  /** Closes this engine's stream only: the venue goes on for the others. */
  async stop(): Promise<void> {
    if (this.#state !== 'stopped') this.#setState('stopped', null);
  }

  onConnectionState(listener: (state: ConnectionState, fault: Error | null) => void): () => void {
    this.#stateListeners.add(listener);
    return () => {
      this.#stateListeners.delete(listener);
    };
  }

  onQuota(listener: (quota: VenueQuota) => void): () => void {
    return this.#inner.onQuota((quota) => this.#deliver(() => listener(quota)));
  }

  onOrderEvent(listener: (event: VenueOrderEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => {
      this.#eventListeners.delete(listener);
    };
  }

  /** The request goes out while the process lives; its answer reaches it as `deliver` decides. */
  #call<T>(run: () => Promise<T>): Promise<T> {
    if (!this.#alive()) return new Promise<T>(() => undefined);
    return new Promise<T>((resolve, reject) => {
      run().then(
        (value) => this.#deliver(() => resolve(value)),
        (error: unknown) => this.#deliver(() => reject(error)),
      );
    });
  }

  submitOrder(request: OrderRequest): Promise<VenueOrder> {
    return this.#call(() => {
      this.#sending(request);
      return this.#inner.submitOrder(request);
    });
  }

  cancelOrder(orderId: string): Promise<void> {
    return this.#call(() => {
      this.#cancelling(orderId);
      return this.#inner.cancelOrder(orderId);
    });
  }

  cancelAllOrders(): Promise<BulkItemResult[]> {
    return this.#call(() => {
      this.#cancelling(null);
      return this.#inner.cancelAllOrders();
    });
  }

  replaceOrder(orderId: string, changes: ReplaceRequest): Promise<VenueOrder> {
    return this.#call(() => {
      this.#sending(null);
      return this.#inner.replaceOrder(orderId, changes);
    });
  }

  getOrder(orderId: string): Promise<VenueOrder | null> {
    return this.#call(() => this.#inner.getOrder(orderId));
  }

  getOrderByClientOrderId(clientOrderId: string): Promise<VenueOrder | null> {
    return this.#call(() => this.#inner.getOrderByClientOrderId(clientOrderId));
  }

  listOrders(query?: ListOrdersQuery): Promise<VenueOrder[]> {
    return this.#call(() => this.#inner.listOrders(query));
  }

  listPositions(): Promise<VenuePosition[]> {
    return this.#call(() => this.#inner.listPositions());
  }

  getAccount(): Promise<Account> {
    return this.#call(() => this.#inner.getAccount());
  }

  getClock(): Promise<MarketClock> {
    return this.#call(() => this.#inner.getClock());
  }

  getCalendar(start: string, end: string): Promise<CalendarDay[]> {
    return this.#call(() => this.#inner.getCalendar(start, end));
  }
}
