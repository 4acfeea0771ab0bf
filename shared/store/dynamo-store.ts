/**
 * The Store on DynamoDB (one account's view of the state table). Plain puts and queries only:
 * dynalite has no transactions, and no write here needs one — each item is the whole truth about
 * its key, and the write-behind queue keeps writes to one key in order.
 */
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Fill } from '../domain/fill.ts';
import type { OpsJob, OpsReport } from '../ops/ops-report.ts';
import { isConditionFailed } from './dynamo-client.ts';
import { decodeItem, type ItemKind, type ItemProblem, type StoredItem, timeSortKey } from './item-codec.ts';
import { AUDIT_ITEM, type AuditEntry, auditPartition } from './items/audit-item.ts';
import {
  BREAKER_STATE_ITEM,
  BREAKER_STATE_SORT_KEY,
  BREAKER_TRANSITION_ITEM,
  BREAKER_TRANSITION_PREFIX,
  type BreakerStateRecord,
  type BreakerTransitionRecord,
  breakerPartition,
} from './items/breaker-items.ts';
import { FILL_ITEM, fillPartition } from './items/fill-item.ts';
import { IDEMPOTENCY_ITEM, type IdempotencyRecord, idempotencyPartition } from './items/idempotency-item.ts';
import { OPS_REPORT_ITEM, opsReportPartition } from './items/ops-report-item.ts';
import { ORDER_ITEM, orderPartition, type StoredOrder, workingOrdersPartition } from './items/order-item.ts';
import { POSITION_ITEM, type PositionSnapshot, positionPartition } from './items/position-item.ts';
import { RISK_EVENT_ITEM, type RiskEventRecord, riskEventPartition } from './items/risk-event-item.ts';
import { type PendingWrite, pendingWriteKey, StateWriteEncoder } from './pending-write.ts';
import type { BatchWriteOutcome, IdempotencyClaim, ItemRead, ReadBatch, Store } from './store.ts';
import { STATE_KEYS, type TableNames, WORKING_ORDERS_INDEX } from './table-definitions.ts';

export interface DynamoStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tables: Pick<TableNames, 'state'>;
  readonly account: string;
  /** Told about every unreadable item as it is found (for logs and metrics); the reads also return them. */
  readonly onProblem?: (problem: ItemProblem) => void;
}

const STATE_KEY_NAMES = [STATE_KEYS.partition, STATE_KEYS.sort] as const;
/** After every other character, for an inclusive upper bound on a sort-key prefix. */
const SORT_KEY_CEILING = '\uffff';

export class DynamoStore implements Store {
  readonly account: string;
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #encode: StateWriteEncoder;
  readonly #onProblem: (problem: ItemProblem) => void;

  constructor(options: DynamoStoreOptions) {
    this.account = options.account;
    this.#client = options.client;
    this.#table = options.tables.state;
    this.#encode = new StateWriteEncoder(options.account, options.tables.state);
    this.#onProblem = options.onProblem ?? (() => {});
  }

  /** The encoder whose PendingWrites this store's writeBatch accepts. */
  get writes(): StateWriteEncoder {
    return this.#encode;
  }

  async writeBatch(writes: readonly PendingWrite[]): Promise<BatchWriteOutcome> {
    if (writes.length === 0) return { unprocessed: [] };
    const requests: Record<string, { PutRequest: { Item: StoredItem } }[]> = {};
    const byKey = new Map<string, PendingWrite>();
    for (const write of writes) {
      const forTable = requests[write.table] ?? [];
      forTable.push({ PutRequest: { Item: write.encode() } });
      requests[write.table] = forTable;
      byKey.set(write.key, write);
    }
    const output = await this.#client.send(new BatchWriteCommand({ RequestItems: requests }));
    const unprocessed: PendingWrite[] = [];
    for (const [table, entries] of Object.entries(output.UnprocessedItems ?? {})) {
      for (const entry of entries) {
        const item = entry.PutRequest?.Item;
        const write = item === undefined ? undefined : byKey.get(pendingWriteKey(table, item));
        if (write !== undefined) unprocessed.push(write);
      }
    }
    return { unprocessed };
  }

  async #put(write: PendingWrite): Promise<void> {
    await this.#client.send(new PutCommand({ TableName: write.table, Item: write.encode() }));
  }

  putOrder(order: StoredOrder): Promise<void> {
    return this.#put(this.#encode.order(order));
  }

  putFill(fill: Fill): Promise<void> {
    return this.#put(this.#encode.fill(fill));
  }

  putPosition(position: PositionSnapshot): Promise<void> {
    return this.#put(this.#encode.position(position));
  }

  putBreakerState(state: BreakerStateRecord): Promise<void> {
    return this.#put(this.#encode.breakerState(state));
  }

  putBreakerTransition(transition: BreakerTransitionRecord): Promise<void> {
    return this.#put(this.#encode.breakerTransition(transition));
  }

  putRiskEvent(event: RiskEventRecord): Promise<void> {
    return this.#put(this.#encode.riskEvent(event));
  }

  putAuditEntry(entry: AuditEntry): Promise<void> {
    return this.#put(this.#encode.auditEntry(entry));
  }

  putOpsReport(report: OpsReport): Promise<void> {
    return this.#put(this.#encode.opsReport(report));
  }

  #decode<T>(kind: ItemKind<T>, item: StoredItem) {
    const decoded = decodeItem(kind, item, this.#table, STATE_KEY_NAMES);
    if (!decoded.ok) this.#onProblem(decoded.problem);
    return decoded;
  }

  async #get<T>(kind: ItemKind<T>, pk: string, sk: string): Promise<ItemRead<T>> {
    const output = await this.#client.send(
      new GetCommand({
        TableName: this.#table,
        Key: { [STATE_KEYS.partition]: pk, [STATE_KEYS.sort]: sk },
        ConsistentRead: true,
      }),
    );
    if (output.Item === undefined) return { status: 'absent' };
    const decoded = this.#decode(kind, output.Item);
    return decoded.ok
      ? { status: 'found', value: decoded.value }
      : { status: 'invalid', problem: decoded.problem };
  }

  async #query<T>(kind: ItemKind<T>, input: Omit<QueryCommandInput, 'TableName'>): Promise<ReadBatch<T>> {
    const items: T[] = [];
    const problems: ItemProblem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const output = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          ConsistentRead: input.IndexName === undefined,
          ...input,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const item of output.Items ?? []) {
        const decoded = this.#decode(kind, item);
        if (decoded.ok) items.push(decoded.value);
        else problems.push(decoded.problem);
      }
      startKey = output.LastEvaluatedKey;
    } while (startKey !== undefined);
    return { items, problems };
  }

  #partition<T>(kind: ItemKind<T>, pk: string): Promise<ReadBatch<T>> {
    return this.#query(kind, {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': STATE_KEYS.partition },
      ExpressionAttributeValues: { ':pk': pk },
    });
  }

  #range<T>(kind: ItemKind<T>, pk: string, from: string, to: string): Promise<ReadBatch<T>> {
    return this.#query(kind, {
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': STATE_KEYS.partition, '#sk': STATE_KEYS.sort },
      ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
    });
  }

  getOrder(clientOrderId: string): Promise<ItemRead<StoredOrder>> {
    return this.#get(ORDER_ITEM, orderPartition(this.account), clientOrderId);
  }

  listOrders(): Promise<ReadBatch<StoredOrder>> {
    return this.#partition(ORDER_ITEM, orderPartition(this.account));
  }

  listWorkingOrders(): Promise<ReadBatch<StoredOrder>> {
    return this.#query(ORDER_ITEM, {
      IndexName: WORKING_ORDERS_INDEX,
      KeyConditionExpression: '#working = :account',
      ExpressionAttributeNames: { '#working': STATE_KEYS.workingPartition },
      ExpressionAttributeValues: { ':account': workingOrdersPartition(this.account) },
    });
  }

  listFills(newYorkDay: string): Promise<ReadBatch<Fill>> {
    return this.#partition(FILL_ITEM, fillPartition(this.account, newYorkDay));
  }

  listPositions(): Promise<ReadBatch<PositionSnapshot>> {
    return this.#partition(POSITION_ITEM, positionPartition(this.account));
  }

  getBreakerState(): Promise<ItemRead<BreakerStateRecord>> {
    return this.#get(BREAKER_STATE_ITEM, breakerPartition(this.account), BREAKER_STATE_SORT_KEY);
  }

  listBreakerTransitions(sinceMs: number): Promise<ReadBatch<BreakerTransitionRecord>> {
    return this.#range(
      BREAKER_TRANSITION_ITEM,
      breakerPartition(this.account),
      `${BREAKER_TRANSITION_PREFIX}${timeSortKey(sinceMs, '')}`,
      `${BREAKER_TRANSITION_PREFIX}${SORT_KEY_CEILING}`,
    );
  }

  listRiskEvents(newYorkDay: string): Promise<ReadBatch<RiskEventRecord>> {
    return this.#partition(RISK_EVENT_ITEM, riskEventPartition(this.account, newYorkDay));
  }

  listAuditEntries(sinceMs: number): Promise<ReadBatch<AuditEntry>> {
    return this.#range(AUDIT_ITEM, auditPartition(this.account), timeSortKey(sinceMs, ''), SORT_KEY_CEILING);
  }

  listOpsReports(job: OpsJob, newYorkDate: string): Promise<ReadBatch<OpsReport>> {
    return this.#partition(OPS_REPORT_ITEM, opsReportPartition(this.account, job, newYorkDate));
  }

  async claimIdempotencyKey(record: IdempotencyRecord): Promise<IdempotencyClaim> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: IDEMPOTENCY_ITEM.encode(this.account, record),
          // An expired record still present (TTL deletes lazily) no longer counts.
          ConditionExpression: 'attribute_not_exists(#pk) OR #expires < :now',
          ExpressionAttributeNames: { '#pk': STATE_KEYS.partition, '#expires': STATE_KEYS.timeToLive },
          ExpressionAttributeValues: { ':now': Math.floor(record.createdAtMs / 1000) },
        }),
      );
      return { status: 'claimed' };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
    const existing = await this.getIdempotencyRecord(record.key);
    if (existing.status === 'found') return { status: 'exists', record: existing.value };
    if (existing.status === 'invalid') return { status: 'invalid', problem: existing.problem };
    // Deleted between the two requests (TTL): claim again.
    return this.claimIdempotencyKey(record);
  }

  async completeIdempotencyKey(key: string, result: string): Promise<void> {
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { [STATE_KEYS.partition]: idempotencyPartition(this.account), [STATE_KEYS.sort]: key },
        UpdateExpression: 'SET #status = :completed, #result = :result',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#status': 'status', '#result': 'result', '#pk': STATE_KEYS.partition },
        ExpressionAttributeValues: { ':completed': 'completed', ':result': result },
      }),
    );
  }

  getIdempotencyRecord(key: string): Promise<ItemRead<IdempotencyRecord>> {
    return this.#get(IDEMPOTENCY_ITEM, idempotencyPartition(this.account), key);
  }
}
