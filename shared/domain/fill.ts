import type { Fixed } from './fixed.ts';
import type { OrderSide } from './order.ts';

/** One execution. executionId is unique per broker execution, which is how fills are de-duplicated. */
export interface Fill {
  readonly executionId: string;
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  /** Quantity of this execution (not cumulative). */
  readonly qty: Fixed;
  readonly price: Fixed;
  readonly timestampMs: number;
}
