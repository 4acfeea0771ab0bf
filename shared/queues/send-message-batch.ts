/**
 * Sends bodies to a queue with SendMessageBatch, ten to a call (SQS's limit). SQS accepts or
 * refuses each entry on its own, so the answer lists the bodies that did not get in.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

export const SQS_MAX_BATCH = 10;

export interface BatchFailure {
  readonly index: number;
  readonly reason: string;
}

/** Failures by index into `bodies`; a call that fails as a whole fails each of its entries. */
export async function sendMessageBatch(
  client: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
): Promise<BatchFailure[]> {
  const failures: BatchFailure[] = [];
  for (let start = 0; start < bodies.length; start += SQS_MAX_BATCH) {
    const chunk = bodies.slice(start, start + SQS_MAX_BATCH);
    try {
      const answer = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((body, offset) => ({ Id: String(start + offset), MessageBody: body })),
        }),
      );
      for (const failed of answer.Failed ?? [])
        failures.push({ index: Number(failed.Id), reason: `${failed.Code}: ${failed.Message ?? ''}` });
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      for (let offset = 0; offset < chunk.length; offset++) failures.push({ index: start + offset, reason });
    }
  }
  return failures;
}
