/** Reading and writing the local signal-path queues in tests. */
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Bar } from '../../../shared/domain/market-data.ts';
import { barWindowMessage } from '../../../shared/signals/bar-window-message.ts';

export const MINUTE_US = 60_000_000;

/** A closed minute bar of `symbol` at `minute` (minutes since the epoch), closing at `close`. */
export function minuteBar(symbol: string, minute: number, close = 100): Bar {
  return {
    symbol,
    kind: 'minute',
    startUs: minute * MINUTE_US,
    open: close,
    high: close + 0.5,
    low: close - 0.5,
    close,
    volume: 1_000,
    tradeCount: 12,
    vwap: close,
  };
}

/** The bar-window body for the `count` bars of `symbol` that end at minute `lastMinute`. */
export function windowBody(symbol: string, lastMinute: number, count = 3): string {
  const bars = Array.from({ length: count }, (_, i) => minuteBar(symbol, lastMinute - count + 1 + i));
  return JSON.stringify(barWindowMessage(symbol, bars, 1_800_000_000_000));
}

export async function send(client: SQSClient, queueUrl: string, body: string): Promise<string> {
  const sent = await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  return sent.MessageId!;
}

/** Every message a queue holds now (received and left to reappear), bodies only. */
export async function drain(client: SQSClient, queueUrl: string, waitTimeSeconds = 0): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const answer = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitTimeSeconds,
      }),
    );
    const messages = answer.Messages ?? [];
    if (messages.length === 0) return bodies;
    for (const message of messages) bodies.push(message.Body ?? '');
  }
}

/** Polls `read` until it returns something `done` accepts, or fails after `timeoutMs`. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > giveUpAt)
      throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** [visible, in flight] messages of a queue, as SQS counts them. */
export async function queueDepth(client: SQSClient, queueUrl: string): Promise<[string, string]> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return [Attributes!.ApproximateNumberOfMessages!, Attributes!.ApproximateNumberOfMessagesNotVisible!];
}
