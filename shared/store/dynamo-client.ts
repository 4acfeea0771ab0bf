/**
 * The DynamoDB document client for the configured store: the AWS endpoint of the region, or a local
 * DynamoDB-compatible server. Against a local endpoint the credentials are fixed placeholders so the
 * process never reads (or needs) real AWS credentials.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoClientOptions {
  readonly region: string;
  /** A local server such as http://127.0.0.1:8000; absent means AWS. */
  readonly endpoint?: string;
  /** Per-request timeout, so a hung request cannot hold a lease renewal or a drain hostage. */
  readonly requestTimeoutMs?: number;
  /** SDK-level attempts; callers with their own retry policy (the write-behind queue) pass 1. */
  readonly maxAttempts?: number;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export function createDynamoClient(options: DynamoClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint, credentials: LOCAL_CREDENTIALS }),
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 3_000, connectionTimeout: 1_000 },
  });
}

export function createDocumentClient(options: DynamoClientOptions): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoClient(options), {
    marshallOptions: { removeUndefinedValues: false, convertEmptyValues: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}

const THROTTLING_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);
const NETWORK_ERROR_CODES = /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND)$/;

export function isThrottlingError(error: unknown): boolean {
  return error instanceof Error && THROTTLING_ERRORS.has(error.name);
}

/**
 * Whether a failed request may succeed later unchanged: throttling, timeouts, network failures and
 * every service error except ValidationException — a missing table or expired credentials are
 * fixed outside the request, so retrying (and letting the queue fill and alarm) beats dropping
 * data. ValidationException (an item too large, an invalid attribute) and errors raised before
 * the request was sent (a bug encoding an item) never succeed on retry.
 */
export function isRetryableDynamoError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_ERROR_CODES.test(code)) return true;
  if (error.name === 'TimeoutError') return true;
  return '$metadata' in error && error.name !== 'ValidationException';
}

export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
