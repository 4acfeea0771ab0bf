import { z } from 'zod';
import { parseSymbol } from '../domain/symbol.ts';
import { meanReversionParameters } from '../strategies/mean-reversion.ts';
import { midPriceMomentumParameters } from '../strategies/mid-price-momentum.ts';
import { modelDrivenParameters } from '../strategies/model-driven.ts';
import { trendFollowingParameters } from '../strategies/trend-following.ts';
import { positiveDecimal } from './decimal-schema.ts';

export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** The exact words a live configuration must carry; a boolean is too easy to flip by accident. */
export const LIVE_TRADING_ACKNOWLEDGEMENT = 'I understand this engine trades real money';

const url = z.string().refine((text) => URL.canParse(text), { message: 'must be an absolute URL' });

const symbol = z.string().superRefine((text, ctx) => {
  const parsed = parseSymbol(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason });
  else if (parsed.instrument.symbol !== text) {
    ctx.addIssue({ code: 'custom', message: `write "${parsed.instrument.symbol}" rather than "${text}"` });
  }
});

const port = z.number().int().min(0).max(65_535);

const strategyId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,31}$/, 'must be 2-32 lower-case letters, digits or dashes');

/** A built-in strategy's entry: its type, id and symbols, and the parameters it declares. */
function strategyEntry<Type extends string, Parameters extends z.ZodRawShape>(
  type: Type,
  parameters: Parameters,
) {
  return z.strictObject({
    type: z.literal(type),
    id: strategyId,
    /** Defaults to every symbol in marketData.symbols. */
    symbols: z.array(symbol).min(1).optional(),
    ...parameters,
  });
}

/** One entry of the strategies section; the backtest validates its --param values with it too. */
export const strategyConfigSchema = z.discriminatedUnion('type', [
  strategyEntry('trend-following', { ...trendFollowingParameters, entryNotionalUsd: positiveDecimal }),
  strategyEntry('mean-reversion', { ...meanReversionParameters, entryNotionalUsd: positiveDecimal }),
  strategyEntry('mid-price-momentum', midPriceMomentumParameters),
  strategyEntry('model-driven', { ...modelDrivenParameters, maxPositionNotionalUsd: positiveDecimal }),
]);

const queueName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,80}$/, 'must be an SQS queue name: 1-80 characters of A-Z a-z 0-9 _ -');

/**
 * The signal path over SQS: the engine publishes bar windows to the bars queue, the signal
 * function answers on the signals queue. Absent: no queues, and strategies take no signals.
 */
const signals = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1'),
  /** A local SQS-compatible server; absent means the AWS endpoint for the region. */
  endpoint: url.optional(),
  barsQueue: queueName,
  signalsQueue: queueName,
  /** Closed minute bars per bar-window message, the newest included. */
  windowBars: z.number().int().min(1).max(500),
  /** A signal generated longer ago than this is dropped, never traded. */
  maxSignalAgeMs: z.number().int().positive(),
  publisher: z.strictObject({
    /** Bar windows waiting to be sent; when full the oldest is dropped (and counted). */
    bufferSize: z.number().int().min(1).max(100_000),
    /** How long a window waits for others to fill a batch of ten; 0 sends on the next turn. */
    flushIntervalMs: z.number().int().min(0).max(10_000),
    /** A send slower than this fails, and its windows are dropped. */
    requestTimeoutMs: z.number().int().min(100).max(30_000),
  }),
  consumer: z.strictObject({
    /** Long-poll wait of each receive on the signals queue. */
    waitTimeSeconds: z.number().int().min(0).max(20),
    maxMessages: z.number().int().min(1).max(10),
    /** Signal ids remembered to drop a redelivered signal; the oldest are forgotten first. */
    rememberSignalIds: z.number().int().min(1).max(1_000_000),
  }),
  /** The function's event source and queues, as the local stack runs them (and AWS would). */
  function: z.strictObject({
    batchSize: z.number().int().min(1).max(10),
    batchWindowMs: z.number().int().min(0).max(300_000),
    /** Batches handled at once (Lambda runs several pollers). */
    concurrency: z.number().int().min(1).max(10),
    visibilityTimeoutSeconds: z.number().int().min(1).max(43_200),
    /** Receives after which a message moves to the queue's dead-letter queue. */
    maxReceiveCount: z.number().int().min(1).max(1_000),
    idempotencyTtlSeconds: z.number().int().min(60).max(604_800),
  }),
});

export const systemConfigSchema = z.strictObject({
  environment: z.enum(ENVIRONMENTS),
  account: z.strictObject({
    /** A label for logs, leases and tables; never the account number. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{2,39}$/, 'must be 3-40 lower-case letters, digits or dashes'),
    paper: z.boolean(),
    liveTradingAcknowledgement: z.string().optional(),
  }),
  broker: z.strictObject({
    venue: z.enum(['simulator', 'alpaca']),
    tradingUrl: url,
    tradingStreamUrl: url,
    dataUrl: url,
    marketDataStreamUrl: url,
    cryptoDataStreamUrl: url,
    credentials: z.discriminatedUnion('source', [
      z.strictObject({ source: z.literal('environment') }),
      z.strictObject({
        source: z.literal('secrets-manager'),
        /** The secret's name or ARN; the keys themselves live only in Secrets Manager. */
        secretId: z.string().min(1),
      }),
    ]),
  }),
  marketData: z.strictObject({
    feed: z.enum(['iex', 'sip', 'test']),
    symbols: z.array(symbol).min(1, 'must list at least one symbol'),
    staleAfterMs: z.number().int().positive(),
  }),
  strategies: z.array(strategyConfigSchema),
  engine: z.strictObject({
    http: z.strictObject({
      host: z.string().min(1),
      port,
      /** Each token's request budget on the API (429 beyond it); one more budget is shared by requests without a known token. */
      requestsPerMinutePerToken: z
        .number()
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .max(60_000, 'must be at most 60000')
        .default(600),
    }),
    /** Present: the engine writes its CloudWatch metrics as EMF lines on stdout (ECS's awslogs driver ships them). */
    cloudwatchMetrics: z
      .strictObject({
        intervalSeconds: z
          .number()
          .int('must be a whole number of seconds')
          .min(1, 'must be at least 1 second')
          .max(300, 'must be at most 300 seconds')
          .default(60),
      })
      .optional(),
  }),
  simulator: z
    .strictObject({
      port,
      seed: z.number().int().nonnegative(),
      messagesPerSecond: z.number().positive(),
      /** Minutes of market generated before start, so an engine can warm up from the venue's history. */
      historyMinutes: z.number().int().min(0).max(1_440).default(0),
    })
    .optional(),
  store: z.strictObject({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1'),
    tablePrefix: z.string().regex(/^[A-Za-z0-9_.-]{3,200}$/, 'must be 3+ characters of A-Z a-z 0-9 _ . -'),
    /** A local DynamoDB-compatible server; absent means the AWS endpoint for the region. */
    endpoint: url.optional(),
    /** The engine lease's lifetime; a crashed engine's orders are cancelled within this plus a minute. */
    leaseTtlMs: z.number().int().min(1_000).max(300_000).optional(),
  }),
  signals: signals.optional(),
  logging: z.strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']),
  }),
});

export type SystemConfig = z.infer<typeof systemConfigSchema>;
export type StrategyConfig = SystemConfig['strategies'][number];
export type SignalsConfig = NonNullable<SystemConfig['signals']>;
