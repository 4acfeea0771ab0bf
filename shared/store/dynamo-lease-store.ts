import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from './dynamo-client.ts';
import { decodeItem } from './item-codec.ts';
import { LEASE_ITEM, type LeaseRecord } from './items/lease-item.ts';
import type {
  LeaseAcquisition,
  LeaseHolding,
  LeaseRelease,
  LeaseRenewal,
  LeaseRequest,
  LeaseStore,
} from './lease-store.ts';
import type { ItemRead } from './store.ts';
import { LEASE_KEYS } from './table-definitions.ts';

export interface DynamoLeaseStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  readonly account: string;
}

const KEY_NAMES = [LEASE_KEYS.partition] as const;

export class DynamoLeaseStore implements LeaseStore {
  readonly account: string;
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoLeaseStoreOptions) {
    this.account = options.account;
    this.#client = options.client;
    this.#table = options.table;
  }

  async read(): Promise<ItemRead<LeaseRecord>> {
    const output = await this.#client.send(
      new GetCommand({
        TableName: this.#table,
        Key: { [LEASE_KEYS.partition]: this.account },
        ConsistentRead: true,
      }),
    );
    if (output.Item === undefined) return { status: 'absent' };
    const decoded = decodeItem(LEASE_ITEM, output.Item, this.#table, KEY_NAMES);
    return decoded.ok
      ? { status: 'found', value: decoded.value }
      : { status: 'invalid', problem: decoded.problem };
  }

  async acquire(request: LeaseRequest): Promise<LeaseAcquisition> {
    const current = await this.read();
    if (current.status === 'invalid') return { ok: false, reason: 'unreadable', problem: current.problem };
    if (current.status === 'found') {
      const lease = current.value;
      if (lease.status === 'held' && request.nowMs < lease.expiresAtMs)
        return { ok: false, reason: 'held', holder: lease };
    }
    const seen = current.status === 'found' ? current.value : undefined;
    const lease: LeaseRecord = {
      account: this.account,
      holderId: request.holderId,
      fencingToken: (seen?.fencingToken ?? 0) + 1,
      status: 'held',
      acquiredAtMs: request.nowMs,
      renewedAtMs: request.nowMs,
      expiresAtMs: request.nowMs + request.ttlMs,
      releasedAtMs: null,
      releaseReason: null,
    };
    // Take over only the lease we saw, and only if it is still free: a renewal or another
    // contender in between makes the condition fail.
    const condition: Pick<
      PutCommandInput,
      'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    > =
      seen === undefined
        ? {
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': LEASE_KEYS.partition },
          }
        : {
            ConditionExpression: '#token = :seenToken AND (#status = :released OR #expires <= :now)',
            ExpressionAttributeNames: {
              '#token': 'fencingToken',
              '#status': 'status',
              '#expires': 'expiresAtMs',
            },
            ExpressionAttributeValues: {
              ':seenToken': seen.fencingToken,
              ':released': 'released',
              ':now': request.nowMs,
            },
          };
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: LEASE_ITEM.encode(this.account, lease),
          ...condition,
        }),
      );
      return { ok: true, lease };
    } catch (error) {
      if (isConditionFailed(error)) return { ok: false, reason: 'contended' };
      throw error;
    }
  }

  async renew(holding: LeaseHolding, request: Omit<LeaseRequest, 'holderId'>): Promise<LeaseRenewal> {
    try {
      const output = await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { [LEASE_KEYS.partition]: this.account },
          UpdateExpression: 'SET #renewed = :now, #expires = :expires',
          ConditionExpression: HOLDER_CONDITION,
          ExpressionAttributeNames: { ...holderNames, '#renewed': 'renewedAtMs', '#expires': 'expiresAtMs' },
          ExpressionAttributeValues: {
            ...holderValues(holding),
            ':now': request.nowMs,
            ':expires': request.nowMs + request.ttlMs,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const decoded = decodeItem(LEASE_ITEM, output.Attributes ?? {}, this.#table, KEY_NAMES);
      if (!decoded.ok)
        return { ok: false, reason: 'lost', current: { status: 'invalid', problem: decoded.problem } };
      return { ok: true, lease: decoded.value };
    } catch (error) {
      if (isConditionFailed(error)) return { ok: false, reason: 'lost', current: await this.read() };
      throw error;
    }
  }

  async release(holding: LeaseHolding, nowMs: number, reason: string): Promise<LeaseRelease> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { [LEASE_KEYS.partition]: this.account },
          UpdateExpression: 'SET #status = :released, #releasedAt = :now, #reason = :reason, #expires = :now',
          ConditionExpression: HOLDER_CONDITION,
          ExpressionAttributeNames: {
            ...holderNames,
            '#releasedAt': 'releasedAtMs',
            '#reason': 'releaseReason',
            '#expires': 'expiresAtMs',
          },
          ExpressionAttributeValues: {
            ...holderValues(holding),
            ':released': 'released',
            ':now': nowMs,
            ':reason': reason,
          },
        }),
      );
      return { ok: true };
    } catch (error) {
      if (isConditionFailed(error)) return { ok: false, reason: 'not_holder' };
      throw error;
    }
  }
}

const holderNames = { '#holder': 'holderId', '#token': 'fencingToken', '#status': 'status' } as const;

const HOLDER_CONDITION = '#holder = :holder AND #token = :token AND #status = :held';

function holderValues(holding: LeaseHolding): Record<string, unknown> {
  return { ':holder': holding.holderId, ':token': holding.fencingToken, ':held': 'held' };
}
