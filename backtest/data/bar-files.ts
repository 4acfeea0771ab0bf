/**
 * The `--data` source: one file, or a directory of them. `.csv` files are read as CSV bars,
 * `.ndjson` and `.jsonl` files as simulator replays. A directory's files are read in name order
 * (not its subdirectories), so a symbol split across files (2024-01.csv, 2024-02.csv) must be in
 * time order across them too. Every file's problems are collected before the load fails.
 * A CSV file's bytes read elsewhere (S3) load the same way.
 */
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { BarColumnsBuilder } from './bar-columns.ts';
import { BarDataError, ProblemLog } from './bar-data-error.ts';
import { readCsvBars, readCsvBytes } from './csv-bars.ts';
import { fileFailure } from './read-data-file.ts';
import { readReplayBars } from './replay-bars.ts';

type FileReader = (file: string, bars: BarColumnsBuilder, problems: ProblemLog) => void;

const READERS: Readonly<Record<string, FileReader>> = {
  '.csv': readCsvBars,
  '.ndjson': readReplayBars,
  '.jsonl': readReplayBars,
};
const KNOWN_EXTENSIONS = Object.keys(READERS).join(', ');

function readerOf(file: string): FileReader | undefined {
  return READERS[extname(file).toLowerCase()];
}

function filesAt(path: string): string[] {
  let directory: boolean;
  try {
    directory = statSync(path).isDirectory();
  } catch (error) {
    throw fileFailure('read', path, error);
  }
  if (!directory) {
    if (readerOf(path) === undefined)
      throw new BarDataError(`${path}: a data file must end in ${KNOWN_EXTENSIONS}`);
    return [path];
  }
  let entries: Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch (error) {
    throw fileFailure('read', path, error);
  }
  const files = entries
    .filter((entry) => entry.isFile() && readerOf(entry.name) !== undefined)
    .map((entry) => entry.name)
    .sort()
    .map((name) => join(path, name));
  if (files.length === 0) throw new BarDataError(`${path}: no data file (${KNOWN_EXTENSIONS}) in it`);
  return files;
}

/** Every bar of the file or directory at `path`; throws a BarDataError listing what is wrong. */
export function loadBarFiles(path: string): BarColumnsBuilder {
  return collectBars(path, (bars, problems) => {
    for (const file of filesAt(path)) readerOf(file)!(file, bars, problems);
  });
}

/** Every bar of one CSV file's bytes, `name` standing for the file; throws as loadBarFiles does. */
export function loadCsvBytes(name: string, bytes: Buffer): BarColumnsBuilder {
  return collectBars(name, (bars, problems) => readCsvBytes(name, bytes, bars, problems));
}

function collectBars(
  subject: string,
  read: (bars: BarColumnsBuilder, problems: ProblemLog) => void,
): BarColumnsBuilder {
  const bars = new BarColumnsBuilder();
  const problems = new ProblemLog(`bad bar data in ${subject}`);
  read(bars, problems);
  problems.throwIfAny();
  return bars;
}
