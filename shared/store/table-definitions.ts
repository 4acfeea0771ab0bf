/**
 * The DynamoDB tables, as plain data: the CDK stack (infra/store-tables.ts), the local server and
 * a restore (both through shared/store/create-tables.ts) build their tables from these, so key
 * schemas have one source of truth. The design and its reasons are in docs/store.md.
 */

export type KeyAttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}

export interface GlobalIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

export interface TableDefinition {
  /** Appended to the configured prefix: `${tablePrefix}-${suffix}`. */
  readonly suffix: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalIndexes: readonly GlobalIndexDefinition[];
  /** Epoch-seconds attribute DynamoDB's TTL deletes by; items without it never expire. */
  readonly timeToLiveAttribute?: string;
}

/** Attribute names shared by the item codecs and the definitions. */
export const STATE_KEYS = {
  partition: 'pk',
  sort: 'sk',
  /** Present only on orders that can still fill, which makes the index sparse. */
  workingPartition: 'workingPk',
  timeToLive: 'expiresAt',
} as const;

export const WORKING_ORDERS_INDEX = 'working-orders';

export const LEASE_KEYS = { partition: 'pk' } as const;

/** Trading state: orders, fills, positions, P&L, breaker, risk events, audit log, idempotency records. */
export const STATE_TABLE: TableDefinition = {
  suffix: 'state',
  partitionKey: { name: STATE_KEYS.partition, type: 'S' },
  sortKey: { name: STATE_KEYS.sort, type: 'S' },
  globalIndexes: [
    {
      indexName: WORKING_ORDERS_INDEX,
      partitionKey: { name: STATE_KEYS.workingPartition, type: 'S' },
      sortKey: { name: STATE_KEYS.sort, type: 'S' },
    },
  ],
  timeToLiveAttribute: STATE_KEYS.timeToLive,
};

/** One item per account: the engine lease, written by engines every few seconds and read by the watchdog. */
export const LEASE_TABLE: TableDefinition = {
  suffix: 'lease',
  partitionKey: { name: LEASE_KEYS.partition, type: 'S' },
  globalIndexes: [],
};

/** Powertools idempotency's default attribute names (its DynamoDB persistence layer). */
export const IDEMPOTENCY_KEYS = { partition: 'id', timeToLive: 'expiration' } as const;

/** The signal function's idempotency records: one per bar window handled, expired by TTL. */
export const IDEMPOTENCY_TABLE: TableDefinition = {
  suffix: 'idempotency',
  partitionKey: { name: IDEMPOTENCY_KEYS.partition, type: 'S' },
  globalIndexes: [],
  timeToLiveAttribute: IDEMPOTENCY_KEYS.timeToLive,
};

export const TABLE_DEFINITIONS = {
  state: STATE_TABLE,
  lease: LEASE_TABLE,
  idempotency: IDEMPOTENCY_TABLE,
} as const;
export type TableId = keyof typeof TABLE_DEFINITIONS;

export type TableNames = { readonly [id in TableId]: string };

export function tableNames(prefix: string): TableNames {
  return {
    state: `${prefix}-${STATE_TABLE.suffix}`,
    lease: `${prefix}-${LEASE_TABLE.suffix}`,
    idempotency: `${prefix}-${IDEMPOTENCY_TABLE.suffix}`,
  };
}

/** Every attribute used as a key by the table or one of its indexes, each once. */
export function keyAttributes(definition: TableDefinition): KeyAttribute[] {
  const all = [definition.partitionKey, definition.sortKey];
  for (const index of definition.globalIndexes) all.push(index.partitionKey, index.sortKey);
  const byName = new Map<string, KeyAttribute>();
  for (const attribute of all) if (attribute !== undefined) byName.set(attribute.name, attribute);
  return [...byName.values()];
}
