/**
 * The one path by which what happens to orders reaches everything that keeps state about them:
 * risk (working orders, fills, reconciliation), persistence, the risk-action executor and the
 * broker-held protection subscribe here instead of being threaded through constructors as
 * callbacks. Published synchronously, in the order things happened, after the execution core has
 * updated its own state (order tracker, position book); subscribers run in subscription order.
 */
import type { Account } from '../../shared/domain/account.ts';
import type { Fill } from '../../shared/domain/fill.ts';
import type { Fixed } from '../../shared/domain/fixed.ts';
import type { OrderIntent, OrderStatus } from '../../shared/domain/order.ts';
import { EventBus } from '../../shared/events/event-bus.ts';
import type { ConnectionState } from '../../shared/venue/connection-state.ts';
import type { OrderRequest, VenueOrder } from '../../shared/venue/venue-types.ts';
import type { OrderAlarm } from './order-state.ts';

export type ExecutionEvent =
  /** About to be sent for the first time, and already tracked: the moment exposure is entered. */
  | { readonly type: 'order_sending'; readonly request: OrderRequest; readonly intent: OrderIntent }
  /** One of our orders was replaced by a new one (its own client_order_id) for what is unfilled. */
  | {
      readonly type: 'order_replaced';
      readonly oldClientOrderId: string;
      readonly newClientOrderId: string;
      readonly replacement: OrderIntent;
    }
  /** Any order object the venue gave (request answers, order events, reconciliation), before it is folded in. */
  | { readonly type: 'order_reported'; readonly order: VenueOrder; readonly intent: OrderIntent | undefined }
  /**
   * An order's status changed (each status once per order). `unbookedQty`: what the venue reports
   * filled that is not yet booked into the position book (a final answer by REST whose executions
   * the stream lost), so an order that is final still counts until its fills are booked.
   */
  | {
      readonly type: 'order_status';
      readonly clientOrderId: string;
      readonly status: OrderStatus;
      readonly unbookedQty: Fixed;
    }
  /** An execution booked into the position book, exactly once, with the P&L it realised. */
  | { readonly type: 'fill_booked'; readonly fill: Fill; readonly realized: Fixed }
  /** Something a person must look at (overfill, conflicting executions). */
  | { readonly type: 'order_alarm'; readonly alarm: OrderAlarm }
  /** The venue's order-event connection changed state; `fault` says why when it is fatal. */
  | { readonly type: 'connection'; readonly state: ConnectionState; readonly fault: Error | null }
  /** Orders, the position book and the account now match the venue's. */
  | { readonly type: 'reconciled'; readonly account: Account }
  /** Events may have been missed: state is not to be trusted until the next reconciliation. */
  | { readonly type: 'unreconciled'; readonly reason: string };

export type ExecutionEvents = EventBus<ExecutionEvent>;

export function createExecutionEvents(): ExecutionEvents {
  return new EventBus<ExecutionEvent>();
}
