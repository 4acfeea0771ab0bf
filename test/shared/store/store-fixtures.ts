/** Sample values of every stored type, for round-trip tests. */

import type { Fill } from '../../../shared/domain/fill.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import type { AuditEntry } from '../../../shared/store/items/audit-item.ts';
import type {
  BreakerStateRecord,
  BreakerTransitionRecord,
} from '../../../shared/store/items/breaker-items.ts';
import type { IdempotencyRecord } from '../../../shared/store/items/idempotency-item.ts';
import type { StoredOrder } from '../../../shared/store/items/order-item.ts';
import type { PositionSnapshot } from '../../../shared/store/items/position-item.ts';
import type { RiskEventRecord } from '../../../shared/store/items/risk-event-item.ts';

/** 2026-11-24 15:00 UTC = 10:00 New York. */
export const T0 = Date.UTC(2026, 10, 24, 15, 0, 0);

export function sampleOrder(overrides: Partial<StoredOrder> = {}): StoredOrder {
  return {
    id: 'b0b6dd9d-8b9b-48a9-ba46-b9d54906e415',
    clientOrderId: 'mom-1-AAPL-000001',
    symbol: 'AAPL',
    assetClass: 'us_equity',
    side: 'buy',
    type: 'limit',
    timeInForce: 'day',
    qty: parseFixed('10'),
    filledQty: parseFixed('2.5'),
    filledAvgPrice: parseFixed('187.651'),
    limitPrice: parseFixed('187.66'),
    stopPrice: null,
    trailPercent: null,
    trailPrice: null,
    status: 'partially_filled',
    extendedHours: false,
    createdAtMs: T0,
    updatedAtMs: T0 + 120,
    replacedBy: null,
    replaces: null,
    origin: 'engine',
    intentId: 'intent-1',
    strategyId: 'momentum',
    fencingToken: 3,
    referencePrice: parseFixed('187.64'),
    ...overrides,
  };
}

export const sampleFill: Fill = {
  executionId: 'exec-1',
  orderId: 'b0b6dd9d-8b9b-48a9-ba46-b9d54906e415',
  clientOrderId: 'mom-1-AAPL-000001',
  symbol: 'AAPL',
  side: 'buy',
  qty: parseFixed('2.5'),
  price: parseFixed('187.651'),
  timestampMs: T0 + 100,
};

export const samplePosition: PositionSnapshot = {
  symbol: 'BTC/USD',
  assetClass: 'crypto',
  qty: parseFixed('-0.000000001'),
  avgEntryPrice: parseFixed('91234.123456789'),
  realizedPnl: parseFixed('-12.5'),
  asOfMs: T0 + 5,
};

export const sampleBreakerState: BreakerStateRecord = {
  state: 'halted',
  reason: 'daily_loss_limit',
  sinceMs: T0,
  updatedAtMs: T0 + 1,
};

export const sampleBreakerTransition: BreakerTransitionRecord = {
  from: 'normal',
  to: 'halted',
  reason: 'daily_loss_limit',
  detail: 'daily P&L -5000 reached the limit -5000',
  operator: null,
  atMs: T0,
};

export const sampleRiskEvent: RiskEventRecord = {
  eventId: 'r-1',
  atMs: T0 + 7,
  kind: 'order_denied',
  reasonCode: 'max_notional',
  symbol: 'AAPL',
  intentId: 'intent-2',
  detail: { limit: '50000', requested: '61000.5' },
};

export const sampleAuditEntry: AuditEntry = {
  entryId: 'a-1',
  atMs: T0 + 9,
  actor: 'operator:jane',
  action: 'kill_switch',
  outcome: 'accepted',
  detail: { scope: 'all' },
};

export const sampleIdempotencyRecord: IdempotencyRecord = {
  key: 'flatten-2026-11-24-1',
  status: 'in_progress',
  fingerprint: 'sha256:abc',
  result: null,
  createdAtMs: T0,
  expiresAtMs: T0 + 7 * 86_400_000,
};
