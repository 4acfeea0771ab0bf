/**
 * The DynamoDB tables, built from shared/store/table-definitions.ts — the same definitions the
 * local server creates its tables from, so the key schemas cannot drift apart.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  type Attribute,
  AttributeType,
  Billing,
  type GlobalSecondaryIndexPropsV2,
  ProjectionType,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import {
  type KeyAttribute,
  TABLE_DEFINITIONS,
  type TableDefinition,
  type TableId,
  tableNames,
} from '../shared/store/table-definitions.ts';

export interface StoreTablesProps {
  /** The store.tablePrefix of the environment's config. */
  readonly tablePrefix: string;
}

function attribute(key: KeyAttribute): Attribute {
  return { name: key.name, type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER };
}

function globalIndexes(definition: TableDefinition): GlobalSecondaryIndexPropsV2[] {
  return definition.globalIndexes.map((index) => ({
    indexName: index.indexName,
    partitionKey: attribute(index.partitionKey),
    ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
    projectionType: ProjectionType.ALL,
  }));
}

export class StoreTables extends Construct {
  readonly state: TableV2;
  readonly lease: TableV2;
  /** The signal function's idempotency records. */
  readonly idempotency: TableV2;

  constructor(scope: Construct, id: string, props: StoreTablesProps) {
    super(scope, id);
    const names = tableNames(props.tablePrefix);
    const table = (tableId: TableId, constructId: string): TableV2 => {
      const definition = TABLE_DEFINITIONS[tableId];
      return new TableV2(this, constructId, {
        tableName: names[tableId],
        partitionKey: attribute(definition.partitionKey),
        ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
        globalSecondaryIndexes: globalIndexes(definition),
        ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
        // Trading volume is bursty (open, close) and small; on-demand needs no capacity planning.
        billing: Billing.onDemand(),
        // Orders, fills and the audit log must survive an operator mistake as well as a crash.
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    };
    this.state = table('state', 'StateTable');
    this.lease = table('lease', 'LeaseTable');
    this.idempotency = table('idempotency', 'IdempotencyTable');
  }
}
