/**
 * An S3-compatible server on loopback for the functions' tests: fauxqs' buildApp in this process,
 * listened on 127.0.0.1 (its startFauxqs would listen on every interface), with the buckets a test
 * names already created, and a path-style client for it.
 */
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { buildApp } from 'fauxqs';

const REGION = 'us-east-1';

export interface LocalS3 {
  /** e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  readonly client: S3Client;
  /** Destroys the client and stops the server. */
  close(): Promise<void>;
}

/** A path-style client with local credentials, for `endpoint` (which need not be listening). */
export function localS3Client(endpoint: string, options: { readonly maxAttempts?: number } = {}): S3Client {
  return new S3Client({
    region: REGION,
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
}

export async function startLocalS3(options: {
  readonly buckets: readonly string[];
  readonly maxAttempts?: number;
}): Promise<LocalS3> {
  const server = buildApp({ logger: false, defaultRegion: REGION });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const endpoint = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  const client = localS3Client(endpoint, options);
  const close = async (): Promise<void> => {
    client.destroy();
    await server.close();
  };
  try {
    for (const bucket of options.buckets) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    await close();
    throw error;
  }
  return { endpoint, client, close };
}
