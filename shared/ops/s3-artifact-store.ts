/** The ArtifactStore on S3: one PutObject per file, under an optional prefix. */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type ArtifactStore, checkArtifactKey } from './artifact-store.ts';

export interface S3ArtifactStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** e.g. "reports/"; empty for the bucket's root. */
  readonly prefix?: string;
}

export class S3ArtifactStore implements ArtifactStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(options: S3ArtifactStoreOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ?? '';
  }

  async put(key: string, body: string | Uint8Array, contentType: string): Promise<string> {
    const objectKey = `${this.#prefix}${checkArtifactKey(key)}`;
    await this.#client.send(
      new PutObjectCommand({ Bucket: this.#bucket, Key: objectKey, Body: body, ContentType: contentType }),
    );
    return `s3://${this.#bucket}/${objectKey}`;
  }
}
