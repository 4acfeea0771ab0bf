/**
 * Sends bodies to a queue with SendMessageBatch, at most ten and 256 KiB to a call (SQS's
 * limits; a bar window that reaches back to the session's start can be tens of KiB). SQS accepts
 * or refuses each entry on its own, so the answer lists the bodies that did not get in.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

export const SQS_MAX_BATCH = 10;
export const SQS_MAX_BATCH_BYTES = 262_144;

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
  for (const [start, end] of chunks(bodies)) {
    const chunk = bodies.slice(start, end);
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

/** [start, end) ranges of `bodies` that each fit one call; a body too large alone gets its own (and SQS refuses it). */
export function chunks(bodies: readonly string[]): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < bodies.length; i++) {
    const size = Buffer.byteLength(bodies[i]!);
    if (i > start && (i - start === SQS_MAX_BATCH || bytes + size > SQS_MAX_BATCH_BYTES)) {
      ranges.push([start, i]);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (start < bodies.length) ranges.push([start, bodies.length]);
  return ranges;
}
