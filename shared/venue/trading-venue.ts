/**
 * The venue port: everything the execution core asks of a broker, in domain terms. Alpaca's
 * adapter (shared/broker/alpaca) implements it over REST and the trade_updates stream; the
 * in-process venue (sim/in-process-venue.ts) implements it over the simulator's matching engine
 * on a virtual clock, with no sockets and no JSON, for backtests and the deterministic harness.
 * Both answer to one contract suite (test/venue/).
 *
 * A refused request throws one of venue-errors.ts's errors, which say whether the request may
 * have taken effect; order events arrive through `onOrderEvent`, in the venue's order, while the
 * connection is `ready` — after any other state, events may have been missed and the execution
 * core reconciles from the request side before it trusts its state again.
 */
import type { Account } from '../domain/account.ts';
import type { ConnectionState } from './connection-state.ts';
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
} from './venue-types.ts';

export interface TradingVenue {
  /** Starts the order-event connection; returns at once (watch `onConnectionState`). */
  start(): void;
  /** Stops the connection and releases what the venue holds; safe to call twice. */
  stop(): Promise<void>;
  /** The order-event connection's state now. */
  readonly connectionState: ConnectionState;
  /** Every change of the connection's state; `fault` says why when it is fatal. */
  onConnectionState(listener: (state: ConnectionState, fault: Error | null) => void): () => void;
  /** The request quota whenever the venue announces it (Alpaca: on every answer's headers). */
  onQuota(listener: (quota: VenueQuota) => void): () => void;
  submitOrder(request: OrderRequest): Promise<VenueOrder>;
  /** Requests the cancel; the outcome arrives as an event (canceled, or order_cancel_rejected). */
  cancelOrder(orderId: string): Promise<void>;
  /** Requests the cancel of every open order at the venue, ours or not (cancel-on-disconnect). */
  cancelAllOrders(): Promise<BulkItemResult[]>;
  replaceOrder(orderId: string, changes: ReplaceRequest): Promise<VenueOrder>;
  getOrder(orderId: string): Promise<VenueOrder | null>;
  getOrderByClientOrderId(clientOrderId: string): Promise<VenueOrder | null>;
  listOrders(query?: ListOrdersQuery): Promise<VenueOrder[]>;
  listPositions(): Promise<VenuePosition[]>;
  getAccount(): Promise<Account>;
  getClock(): Promise<MarketClock>;
  getCalendar(start: string, end: string): Promise<CalendarDay[]>;
  /** Every order event from now on; returns the unsubscribe. */
  onOrderEvent(listener: (event: VenueOrderEvent) => void): () => void;
}
