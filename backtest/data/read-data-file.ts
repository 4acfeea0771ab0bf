/** A data file's bytes, or a BarDataError saying why it cannot be read. */
import { readFileSync } from 'node:fs';
import { BarDataError } from './bar-data-error.ts';

export function readDataFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new BarDataError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
