/**
 * The trading state store for one account. Writes on the engine's hot path go through the
 * write-behind queue (engine/persistence/write-behind-queue.ts) as PendingWrites; the direct put
 * methods are for start-up, recovery, operator actions and tests. Reads validate every item: a
 * corrupt item or one from another schema version comes back as an ItemProblem beside the good
 * items, so the caller can refuse to trade on state it cannot read.
 */
import type { Fill } from '../domain/fill.ts';
import type { OpsJob, OpsReport } from '../ops/ops-report.ts';
import type { ItemProblem } from './item-codec.ts';
import type { AuditEntry } from './items/audit-item.ts';
import type { BreakerStateRecord, BreakerTransitionRecord } from './items/breaker-items.ts';
import type { IdempotencyRecord } from './items/idempotency-item.ts';
import type { StoredOrder } from './items/order-item.ts';
import type { PositionSnapshot } from './items/position-item.ts';
import type { RiskEventRecord } from './items/risk-event-item.ts';
import type { PendingWrite } from './pending-write.ts';

export interface ReadBatch<T> {
  readonly items: T[];
  readonly problems: ItemProblem[];
}

export type ItemRead<T> =
  | { readonly status: 'found'; readonly value: T }
  | { readonly status: 'absent' }
  | { readonly status: 'invalid'; readonly problem: ItemProblem };

export interface BatchWriteOutcome {
  /** Writes DynamoDB did not apply this time (UnprocessedItems); retry them. */
  readonly unprocessed: PendingWrite[];
}

export type IdempotencyClaim =
  | { readonly status: 'claimed' }
  | { readonly status: 'exists'; readonly record: IdempotencyRecord }
  | { readonly status: 'invalid'; readonly problem: ItemProblem };

/** Writes up to 25 items in one request; throws only for transport/service errors (throttling included). */
export interface BatchWriter {
  writeBatch(writes: readonly PendingWrite[]): Promise<BatchWriteOutcome>;
}

export interface Store extends BatchWriter {
  readonly account: string;

  putOrder(order: StoredOrder): Promise<void>;
  putFill(fill: Fill): Promise<void>;
  putPosition(position: PositionSnapshot): Promise<void>;
  putBreakerState(state: BreakerStateRecord): Promise<void>;
  putBreakerTransition(transition: BreakerTransitionRecord): Promise<void>;
  putRiskEvent(event: RiskEventRecord): Promise<void>;
  putAuditEntry(entry: AuditEntry): Promise<void>;
  putOpsReport(report: OpsReport): Promise<void>;

  getOrder(clientOrderId: string): Promise<ItemRead<StoredOrder>>;
  /** Every order of the account, oldest client_order_id first. */
  listOrders(): Promise<ReadBatch<StoredOrder>>;
  /** Orders not in a terminal status, from the sparse working-orders index. */
  listWorkingOrders(): Promise<ReadBatch<StoredOrder>>;
  /** Fills executed on a New York calendar day (YYYY-MM-DD). */
  listFills(newYorkDay: string): Promise<ReadBatch<Fill>>;
  listPositions(): Promise<ReadBatch<PositionSnapshot>>;
  getBreakerState(): Promise<ItemRead<BreakerStateRecord>>;
  /** Transitions at or after sinceMs, oldest first. */
  listBreakerTransitions(sinceMs: number): Promise<ReadBatch<BreakerTransitionRecord>>;
  listRiskEvents(newYorkDay: string): Promise<ReadBatch<RiskEventRecord>>;
  /** Audit entries at or after sinceMs, oldest first. */
  listAuditEntries(sinceMs: number): Promise<ReadBatch<AuditEntry>>;
  /** The runs of one scheduled job about one New York date, oldest first. */
  listOpsReports(job: OpsJob, newYorkDate: string): Promise<ReadBatch<OpsReport>>;

  /** Records the key if it is new (conditional write); otherwise returns the existing record. */
  claimIdempotencyKey(record: IdempotencyRecord): Promise<IdempotencyClaim>;
  /** Marks a claimed key completed with its outcome. */
  completeIdempotencyKey(key: string, result: string): Promise<void>;
  getIdempotencyRecord(key: string): Promise<ItemRead<IdempotencyRecord>>;
}
