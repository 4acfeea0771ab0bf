/**
 * Where the jobs put files a person opens later (the post-market report, config snapshots): an S3
 * bucket in AWS (s3-artifact-store.ts), a folder locally. Keys are relative paths with `/`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';

export interface ArtifactStore {
  /** Writes (or overwrites) one file; returns where it went (s3://bucket/key or a local path). */
  put(key: string, body: string | Uint8Array, contentType: string): Promise<string>;
}

const KEY = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Refuses keys that could leave the folder or bucket prefix ("..", absolute, empty parts). */
export function checkArtifactKey(key: string): string {
  if (!KEY.test(key) || key.split('/').some((part) => part === '.' || part === '..')) {
    throw new Error(`artifact key ${JSON.stringify(key)} must be a relative path of [A-Za-z0-9._-] parts`);
  }
  return key;
}

export class FolderArtifactStore implements ArtifactStore {
  readonly folder: string;

  constructor(folder: string) {
    this.folder = resolve(folder);
  }

  async put(key: string, body: string | Uint8Array, _contentType: string): Promise<string> {
    const path = join(this.folder, ...checkArtifactKey(key).split('/'));
    if (!path.startsWith(`${this.folder}${sep}`))
      throw new Error(`artifact key ${key} leaves ${this.folder}`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    return path;
  }
}
