/**
 * The sweep bucket as the command and the functions use it: get, put and list by key. On S3 it is
 * S3SweepBucket; nothing else in a sweep on AWS talks to S3.
 */
import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';

export interface SweepBucket {
  readonly name: string;
  /** The object's bytes, or undefined when there is no such object. */
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, body: string | Uint8Array, contentType: string): Promise<void>;
  /** Every key under the prefix, in S3's order (by UTF-8 bytes). */
  list(prefix: string): Promise<string[]>;
}

export class S3SweepBucket implements SweepBucket {
  readonly name: string;
  readonly #client: S3Client;

  constructor(client: S3Client, name: string) {
    this.#client = client;
    this.name = name;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const object = await this.#client.send(new GetObjectCommand({ Bucket: this.name, Key: key }));
      return await object.Body!.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  async put(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({ Bucket: this.name, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2(
      { client: this.#client },
      { Bucket: this.name, Prefix: prefix },
    )) {
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    }
    return keys;
  }
}
