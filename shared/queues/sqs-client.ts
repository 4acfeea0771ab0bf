/**
 * An SQS client for AWS, or for a local SQS-compatible server (fauxqs) when an endpoint is given;
 * against a local endpoint the credentials are placeholders, as for the store's client.
 */
import { SQSClient } from '@aws-sdk/client-sqs';

export interface SqsClientOptions {
  readonly region: string;
  /** A local server on loopback; absent means AWS's endpoint for the region. */
  readonly endpoint?: string;
  /** Per-request budget: a slow or absent server costs a caller this long at most. Above any long-poll wait. */
  readonly requestTimeoutMs: number;
  /** SDK-level attempts; callers that drop or redeliver on failure pass 1. */
  readonly maxAttempts?: number;
}

export function createSqsClient(options: SqsClientOptions): SQSClient {
  return new SQSClient({
    region: options.region,
    ...(options.endpoint === undefined
      ? {}
      : { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: { requestTimeout: options.requestTimeoutMs, connectionTimeout: 1_000 },
  });
}
