/**
 * Writes items into a table with BatchWriteItem, 25 a request (DynamoDB's limit), sending back the
 * items DynamoDB leaves unprocessed (throttling, a partition busy) with backoff until every item is
 * written or no progress is made for `maxAttempts` tries.
 */
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { DynamoItem } from './attribute-json.ts';

const BATCH_SIZE = 25;

export interface WriteItemsOptions {
  /** Tries of one batch without progress before giving up; default 10. */
  readonly maxAttempts?: number;
  /** First backoff; doubled per try without progress, with full jitter. Default 50 ms. */
  readonly baseDelayMs?: number;
}

export async function writeItems(
  client: DynamoDBClient,
  tableName: string,
  items: readonly DynamoItem[],
  options: WriteItemsOptions = {},
): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 10;
  const baseDelayMs = options.baseDelayMs ?? 50;
  for (let offset = 0; offset < items.length; offset += BATCH_SIZE) {
    let pending: WriteRequest[] = items
      .slice(offset, offset + BATCH_SIZE)
      .map((item) => ({ PutRequest: { Item: item } }));
    for (let fruitless = 0; pending.length > 0; ) {
      const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      const left = answer.UnprocessedItems?.[tableName] ?? [];
      fruitless = left.length < pending.length ? 0 : fruitless + 1;
      pending = left;
      if (pending.length === 0) break;
      if (fruitless >= maxAttempts) {
        throw new Error(
          `${pending.length} items of ${tableName} stayed unprocessed after ${maxAttempts} tries`,
        );
      }
      const delayMs = Math.random() * baseDelayMs * 2 ** Math.min(fruitless, 6);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
