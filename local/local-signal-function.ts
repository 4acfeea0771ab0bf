/**
 * The signal function on the local stack: the very handler Lambda runs (functions/signals),
 * behind the local SQS event source on the bars queue, with its idempotency records in the local
 * DynamoDB API and its signals sent to the local signals queue.
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Logger as PinoLogger } from 'pino';
import { createSignalHandler } from '../functions/signals/signal-handler.ts';
import { createSqsClient } from '../shared/queues/sqs-client.ts';
import type { BarWindowSignalGenerator } from '../shared/signals/bar-window-signal-generator.ts';
import { createDynamoClient } from '../shared/store/dynamo-client.ts';
import type { Clock } from '../shared/time/clock.ts';
import type { LocalQueue } from './local-sqs.ts';
import { type SqsEventSource, startSqsEventSource } from './sqs-event-source.ts';

export const LOCAL_SIGNAL_FUNCTION_NAME = 'signals-local';

export interface LocalSignalFunctionOptions {
  readonly sqsEndpoint: string;
  readonly dynamoEndpoint: string;
  readonly region: string;
  readonly barsQueue: LocalQueue;
  readonly signalsQueue: LocalQueue;
  readonly idempotencyTable: string;
  readonly idempotencyTtlSeconds: number;
  readonly generators: readonly BarWindowSignalGenerator[];
  readonly eventSource: {
    readonly batchSize: number;
    readonly batchWindowMs: number;
    readonly waitTimeSeconds: number;
    readonly concurrency: number;
    readonly timeoutMs: number;
  };
  readonly clock: Clock;
  readonly logger: PinoLogger;
  /** Powertools log level of the handler itself (its JSON lines go to stdout, as in Lambda). */
  readonly handlerLogLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

export interface LocalSignalFunction {
  readonly eventSource: SqsEventSource;
  close(): Promise<void>;
}

export function startLocalSignalFunction(options: LocalSignalFunctionOptions): LocalSignalFunction {
  const { region } = options;
  const sqs = createSqsClient({
    region,
    endpoint: options.sqsEndpoint,
    requestTimeoutMs: 5_000,
    maxAttempts: 1,
  });
  const pollerSqs = createSqsClient({
    region,
    endpoint: options.sqsEndpoint,
    requestTimeoutMs: options.eventSource.waitTimeSeconds * 1_000 + 5_000,
    maxAttempts: 1,
  });
  const dynamo = createDynamoClient({ region, endpoint: options.dynamoEndpoint });
  const handler = createSignalHandler({
    generators: options.generators,
    sqs,
    signalsQueueUrl: options.signalsQueue.url,
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: options.idempotencyTable,
      awsSdkV3Client: dynamo,
    }),
    idempotencyTtlSeconds: options.idempotencyTtlSeconds,
    clock: options.clock,
    logger: new Logger({
      serviceName: LOCAL_SIGNAL_FUNCTION_NAME,
      logLevel: options.handlerLogLevel ?? 'WARN',
    }),
    metrics: new Metrics({ namespace: 'TradingLocal', serviceName: LOCAL_SIGNAL_FUNCTION_NAME }),
  });
  const eventSource = startSqsEventSource({
    client: pollerSqs,
    queueUrl: options.barsQueue.url,
    queueArn: options.barsQueue.arn,
    region,
    functionName: LOCAL_SIGNAL_FUNCTION_NAME,
    handler: (event, context) => handler(event, context),
    ...options.eventSource,
    logger: options.logger,
  });
  return {
    eventSource,
    async close() {
      await eventSource.close();
      sqs.destroy();
      pollerSqs.destroy();
      dynamo.destroy();
    },
  };
}
