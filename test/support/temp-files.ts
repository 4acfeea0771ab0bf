import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A scratch folder for files a test writes; removed by the returned cleanup. */
export function tempFolder(): {
  path: (name: string) => string;
  write: (name: string, text: string) => string;
  remove: () => void;
} {
  const root = mkdtempSync(join(tmpdir(), 'trading-test-'));
  return {
    path: (name) => join(root, name),
    write: (name, text) => {
      const file = join(root, name);
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
