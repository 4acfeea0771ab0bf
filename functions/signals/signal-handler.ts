/**
 * The signal function as a middy handler: each SQS record is a bar window (bars queue); its
 * signals go to the signals queue. Powertools batch reports only the records that failed, so SQS
 * redelivers those alone; Powertools idempotency, keyed on the window's symbol and closed bar and
 * persisted in DynamoDB, makes a redelivered or duplicated window publish nothing a second time.
 * Built from injected parts; handler.ts wires the AWS ones, the local stack the loopback ones.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { sendMessageBatch } from '../../shared/queues/send-message-batch.ts';
import { type BarWindowMessage, parseBarWindowMessage } from '../../shared/signals/bar-window-message.ts';
import type { BarWindowSignalGenerator } from '../../shared/signals/bar-window-signal-generator.ts';
import type { Clock } from '../../shared/time/clock.ts';
import { computeSignals } from './compute-signals.ts';
import type { LambdaContext, SqsBatchResponse, SqsEvent, SqsEventRecord } from './sqs-event.ts';

export const SIGNAL_METRICS = {
  published: 'SignalsPublished',
  invalidWindows: 'InvalidBarWindows',
  publishFailures: 'SignalPublishFailures',
} as const;

export class InvalidBarWindowError extends Error {
  override readonly name = 'InvalidBarWindowError';
  readonly messageId: string;

  constructor(messageId: string, reason: string) {
    super(`bar window ${messageId} is invalid: ${reason}`);
    this.messageId = messageId;
  }
}

export class SignalPublishError extends Error {
  override readonly name = 'SignalPublishError';
}

export interface SignalHandlerDependencies {
  readonly generators: readonly BarWindowSignalGenerator[];
  readonly sqs: SQSClient;
  readonly signalsQueueUrl: string;
  readonly persistenceStore: BasePersistenceLayer;
  /** How long a window's record stays in the idempotency table: redeliveries within it publish nothing. */
  readonly idempotencyTtlSeconds: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** What the idempotency key is made of: a window is the same window if its symbol and closed bar are. */
interface WindowJob {
  readonly key: string;
  readonly message: BarWindowMessage;
}

export function createSignalHandler(deps: SignalHandlerDependencies) {
  const { logger, metrics } = deps;
  const idempotency = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    expiresAfterSeconds: deps.idempotencyTtlSeconds,
    throwOnNoIdempotencyKey: true,
  });

  const publishWindowSignals = makeIdempotent(
    async (job: WindowJob): Promise<string[]> => {
      const signals = computeSignals(job.message, deps.generators, deps.clock.nowMs());
      const failures = await sendMessageBatch(
        deps.sqs,
        deps.signalsQueueUrl,
        signals.map((signal) => JSON.stringify(signal)),
      );
      if (failures.length > 0) {
        metrics.addMetric(SIGNAL_METRICS.publishFailures, MetricUnit.Count, failures.length);
        // The whole window is retried; the engine drops a signal id it has already handled.
        throw new SignalPublishError(
          `${failures.length} of ${signals.length} signals for ${job.key} not sent: ${failures[0]!.reason}`,
        );
      }
      metrics.addMetric(SIGNAL_METRICS.published, MetricUnit.Count, signals.length);
      return signals.map((signal) => signal.signalId);
    },
    { persistenceStore: deps.persistenceStore, config: idempotency },
  );

  const processRecord = async (record: SqsEventRecord): Promise<string[]> => {
    const parsed = parseBarWindowMessage(record.body);
    if (!parsed.ok) {
      metrics.addMetric(SIGNAL_METRICS.invalidWindows, MetricUnit.Count, 1);
      throw new InvalidBarWindowError(record.messageId, parsed.reason);
    }
    const message = parsed.value;
    const signalIds = await publishWindowSignals({
      key: `${message.symbol}:${message.bars.at(-1)!.startUs}`,
      message,
    });
    logger.debug('bar window handled', { messageId: record.messageId, symbol: message.symbol, signalIds });
    return signalIds;
  };

  const handle = async (event: SqsEvent, context: LambdaContext): Promise<SqsBatchResponse> => {
    idempotency.registerLambdaContext(context);
    // One processor per invocation: it holds the batch's state, and the local event source may
    // run invocations side by side in one process (Lambda never does in one instance).
    const processor = new BatchProcessor(EventType.SQS);
    const response = await processPartialResponse(event, processRecord, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
    const failed = processor.failureMessages as SqsEventRecord[];
    processor.errors.forEach((error, index) => {
      logger.warn('bar window failed; SQS redelivers it', {
        messageId: failed[index]?.messageId,
        receiveCount: failed[index]?.attributes.ApproximateReceiveCount,
        error: `${error.name}: ${error.message}`,
      });
    });
    return response;
  };
  return middy(handle)
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
}
