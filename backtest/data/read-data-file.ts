/** Reading data files, with failures as a BarDataError that names the path and the system's code. */
import { readFileSync } from 'node:fs';
import { BarDataError } from './bar-data-error.ts';

/** `cannot read data/bars.csv: ENOENT`: the code says it all, the stack nothing the user needs. */
export function fileFailure(what: string, path: string, error: unknown): BarDataError {
  return new BarDataError(
    `cannot ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
  );
}

export function readDataFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw fileFailure('read', file, error);
  }
}
