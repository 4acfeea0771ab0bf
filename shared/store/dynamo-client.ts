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

/** DynamoDB error names that mean "slow down and retry", as opposed to a request that can never succeed. */
const RETRYABLE_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

export function isRetryableDynamoError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (RETRYABLE_ERRORS.has(error.name)) return true;
  // Network-level failures (connection refused/reset) carry a Node error code, not a service name.
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EAI_AGAIN)$/.test(code);
}

export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
