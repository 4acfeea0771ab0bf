/**
 * The engine's end of the signal path, built from the config's `signals` section: the bar-window
 * publisher (bars queue) and the signal consumer (signals queue), on their own SQS clients so a
 * long poll never holds up a send.
 */
import type { Registry } from 'prom-client';
import type { SignalsConfig } from '../../shared/config/system-schema.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import { createSqsClient } from '../../shared/queues/sqs-client.ts';
import type { Signal } from '../../shared/signals/signal-message.ts';
import type { Clock } from '../../shared/time/clock.ts';
import { BarWindowPublisher } from './bar-window-publisher.ts';
import { SignalConsumer } from './signal-consumer.ts';
import { sqsBarQueueSender, sqsSignalQueue } from './sqs-signal-queues.ts';

export interface SignalPathOptions {
  readonly config: SignalsConfig;
  /** Symbols of the strategies that take signals: their bars go to the bars queue. */
  readonly symbols: readonly string[];
  readonly onSignal: (signal: Signal) => boolean;
  readonly clock: Clock;
  readonly registry: Registry;
  readonly logger: Logger;
}

export interface SignalPath {
  readonly publisher: BarWindowPublisher;
  readonly consumer: SignalConsumer;
  readonly windowBars: number;
  start(): void;
  stop(): Promise<void>;
}

export function createSignalPath(options: SignalPathOptions): SignalPath {
  const { config, clock, registry, logger } = options;
  const endpoint = config.endpoint === undefined ? {} : { endpoint: config.endpoint };
  const sendClient = createSqsClient({
    region: config.region,
    ...endpoint,
    requestTimeoutMs: config.publisher.requestTimeoutMs,
    maxAttempts: 1,
  });
  const receiveClient = createSqsClient({
    region: config.region,
    ...endpoint,
    requestTimeoutMs: config.consumer.waitTimeSeconds * 1_000 + 5_000,
    maxAttempts: 1,
  });
  const publisher = new BarWindowPublisher({
    send: sqsBarQueueSender(sendClient, config.barsQueue),
    symbols: options.symbols,
    bufferSize: config.publisher.bufferSize,
    flushIntervalMs: config.publisher.flushIntervalMs,
    clock,
    registry,
    logger: logger.child({ component: 'signal-publisher' }),
  });
  const consumer = new SignalConsumer({
    queue: sqsSignalQueue(receiveClient, config.signalsQueue, config.consumer),
    maxSignalAgeMs: config.maxSignalAgeMs,
    rememberSignalIds: config.consumer.rememberSignalIds,
    onSignal: options.onSignal,
    clock,
    registry,
    logger: logger.child({ component: 'signal-consumer' }),
  });
  return {
    publisher,
    consumer,
    windowBars: config.windowBars,
    start: () => consumer.start(),
    async stop() {
      await Promise.all([consumer.stop(), publisher.stop()]);
      sendClient.destroy();
      receiveClient.destroy();
    },
  };
}
