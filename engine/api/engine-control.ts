/**
 * What the API needs from a running engine, in the contract's terms: reads that build answers from
 * the engine's state, and actions that return a value or a refusal (never throw for an expected
 * "no"). TradingEngine's control view implements it; route tests use a small stand-in.
 */
import type { ApiRole } from '../../shared/api/api-roles.ts';
import type {
  BreakerResetAnswer,
  ClosePositionAnswer,
  EngineStateEvent,
  FillAnswer,
  HealthAnswer,
  KillSwitchAnswer,
  ManualOrderRequest,
  OrderAnswer,
  OrdersAnswer,
  PnlAnswer,
  PositionsAnswer,
  ReadyAnswer,
  RiskAnswer,
  StatusAnswer,
  StrategiesAnswer,
  StrategyActionAnswer,
} from '../../shared/api/engine-api-schemas.ts';
import type { Refusal } from '../../shared/domain/outcome.ts';

/** Who asked and why: the token's role, the person named in the body, and their reason. */
export interface ActionBy {
  readonly role: ApiRole;
  readonly operator: string;
  readonly reason: string;
}

export type ActionResult<T> = { readonly ok: true; readonly value: T } | Refusal;

export type OrderList = 'open' | 'closed' | 'all';

export interface EngineControl {
  health(): HealthAnswer;
  ready(): ReadyAnswer;
  status(): StatusAnswer;
  positions(): PositionsAnswer;
  orders(list: OrderList): OrdersAnswer;
  fills(): { readonly fills: FillAnswer[] };
  pnl(): PnlAnswer;
  risk(): RiskAnswer;
  strategies(): StrategiesAnswer;
  /** Everything the dashboard shows, as one event. */
  state(): EngineStateEvent;
  /** Calls back on each fill booked; returns the unsubscribe. */
  onFill(listener: (fill: FillAnswer) => void): () => void;
  /** A manual order through the same risk checks as a strategy's; the key makes its client_order_id. */
  placeOrder(
    order: ManualOrderRequest,
    idempotencyKey: string,
    by: ActionBy,
  ): Promise<ActionResult<OrderAnswer>>;
  closePosition(symbol: string, by: ActionBy): ActionResult<ClosePositionAnswer>;
  killSwitch(by: ActionBy): ActionResult<KillSwitchAnswer>;
  resetCircuitBreaker(by: ActionBy): ActionResult<BreakerResetAnswer>;
  setStrategyEnabled(strategyId: string, enabled: boolean, by: ActionBy): ActionResult<StrategyActionAnswer>;
}
