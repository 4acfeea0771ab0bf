/**
 * The venue port: everything the execution core asks of a broker, in domain terms. Alpaca's
 * adapter (shared/broker/alpaca) implements it over REST and the trade_updates stream; the
 * in-process venue (sim/in-process-venue.ts) implements it over the simulator's matching engine
 * on a virtual clock, with no sockets and no JSON, for backtests and the deterministic harness.
 * Both answer to one contract suite (test/venue/).
 *
 * A refused request throws one of venue-errors.ts's errors, which say whether the request may
 * have taken effect; order events arrive through `onOrderEvent`, in the venue's order.
 */
import type { Account } from '../domain/account.ts';
import type {
  CalendarDay,
  ListOrdersQuery,
  MarketClock,
  OrderRequest,
  ReplaceRequest,
  VenueOrder,
  VenueOrderEvent,
  VenuePosition,
} from './venue-types.ts';

export interface TradingVenue {
  submitOrder(request: OrderRequest): Promise<VenueOrder>;
  /** Requests the cancel; the outcome arrives as an event (canceled, or order_cancel_rejected). */
  cancelOrder(orderId: string): Promise<void>;
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
