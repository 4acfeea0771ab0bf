/**
 * One account's signal path (when its config has `signals`): the bars queue the engine publishes
 * bar windows to, the signal function that consumes it (partial batch responses, so one bad
 * window is retried alone), and the signals queue the engine long-polls. Both queues are
 * encrypted, refuse plaintext, and hand a message that keeps failing (`maxReceiveCount`) to a
 * dead-letter queue of their own. Names, batch sizes, timeouts and the idempotency window are the
 * config's `signals` section, which the local stack also runs by.
 */
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SignalsConfig } from '../shared/config/system-schema.ts';
import { configCommandHooks, deployedPath, type EnvironmentConfig } from './bundled-config.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { FUNCTION_BUNDLING } from './function-bundling.ts';
import { allow, functionRole } from './function-role.ts';

export const SIGNAL_FUNCTION_ENTRY = fileURLToPath(
  new URL('../functions/signals/handler.ts', import.meta.url),
);
export const SIGNAL_METRIC_SERVICE = 'signals';

export interface SignalPathProps {
  readonly accountName: string;
  readonly signals: SignalsConfig;
  /** The account's config, bundled: the function runs its strategies' signal generators. */
  readonly bundledConfig: EnvironmentConfig;
  readonly idempotencyTable: ITableV2;
}

export class SignalPath extends Construct {
  readonly bars: Queue;
  readonly barsDeadLetters: Queue;
  readonly signals: Queue;
  readonly signalsDeadLetters: Queue;
  readonly handler: NodejsFunction;

  constructor(scope: Construct, id: string, props: SignalPathProps) {
    super(scope, id);
    const settings = props.signals.function;
    // Lambda's guidance: at least six times the function's timeout, so a slow batch is not redelivered mid-run.
    const timeout = Duration.seconds(Math.max(3, Math.floor(settings.visibilityTimeoutSeconds / 6)));
    const queuePair = (queueId: string, queueName: string, visibilityTimeout: Duration) => {
      const deadLetters = deadLetterQueue(this, `${queueId}DeadLetters`, {
        of: queueName,
        queueName: `${queueName}-dlq`,
      });
      const queue = new Queue(this, queueId, {
        queueName,
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout,
        // A bar window or a signal is worthless after minutes; an hour covers any outage of the consumer.
        retentionPeriod: Duration.hours(1),
        deadLetterQueue: { queue: deadLetters, maxReceiveCount: settings.maxReceiveCount },
      });
      return { queue, deadLetters };
    };
    const bars = queuePair(
      'Bars',
      props.signals.barsQueue,
      Duration.seconds(settings.visibilityTimeoutSeconds),
    );
    const signals = queuePair(
      'Signals',
      props.signals.signalsQueue,
      Duration.seconds(Math.max(30, props.signals.consumer.waitTimeSeconds * 2)),
    );
    this.bars = bars.queue;
    this.barsDeadLetters = bars.deadLetters;
    this.signals = signals.queue;
    this.signalsDeadLetters = signals.deadLetters;

    const { role, logGroup } = functionRole(this, {
      name: 'signals',
      description: `Signal function of ${props.accountName}: its queues and idempotency records, its logs`,
      statements: [
        allow(['sqs:SendMessage'], [this.signals.queueArn]),
        // Powertools idempotency: claim, complete, read and release a record.
        allow(
          ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          [props.idempotencyTable.tableArn],
        ),
      ],
    });
    this.handler = new NodejsFunction(this, 'Handler', {
      entry: SIGNAL_FUNCTION_ENTRY,
      handler: 'handler',
      description: `Signals for ${props.accountName}: bar windows in, signals out`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      // Model inference on a window of bars: memory buys CPU.
      memorySize: 1024,
      timeout,
      role,
      logGroup,
      environment: {
        SIGNALS_QUEUE_URL: this.signals.queueUrl,
        IDEMPOTENCY_TABLE_NAME: props.idempotencyTable.tableName,
        IDEMPOTENCY_TTL_SECONDS: String(settings.idempotencyTtlSeconds),
        SYSTEM_CONFIG_FILE: deployedPath(props.bundledConfig.systemFile),
        ACCOUNT_NAME: props.accountName,
        POWERTOOLS_SERVICE_NAME: SIGNAL_METRIC_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: 'Trading',
      },
      bundling: { ...FUNCTION_BUNDLING, commandHooks: configCommandHooks(props.bundledConfig) },
    });
    this.handler.addEventSource(
      new SqsEventSource(this.bars, {
        batchSize: settings.batchSize,
        maxBatchingWindow: settings.batchWindowMs > 0 ? Duration.millis(settings.batchWindowMs) : undefined,
        reportBatchItemFailures: true,
        // Lambda's minimum for an SQS source is two concurrent batches.
        maxConcurrency: Math.max(2, settings.concurrency),
      }),
    );
  }
}
