/**
 * Downloaded minute bars on disk, one CSV file per symbol and New York day, in the `--data` CSV
 * format so a cached day is read (and checked) like any data file:
 *   <cacheDir>/stocks/<feed>/<adjustment>/<SYMBOL>/<YYYY-MM-DD>.csv
 *   <cacheDir>/crypto/us/<BASE-QUOTE>/<YYYY-MM-DD>.csv
 * A day without bars (a weekend, a holiday) is a file with the header only, so it is not asked for
 * again. Files are written to a temporary name and renamed, so a run that is killed leaves a day
 * either whole or absent, never half written.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BarAdjustment } from '../../shared/broker/alpaca/market-data/history-client.ts';
import type { Bar } from '../../shared/domain/market-data.ts';
import { isCryptoSymbol } from '../../shared/domain/symbol.ts';
import { CSV_HEADER, csvBarLine } from './csv-bar-lines.ts';
import { fileFailure } from './read-data-file.ts';
import { symbolFileStem } from './symbol-file-name.ts';

export interface BarCacheKey {
  readonly cacheDir: string;
  /** The stock feed the bars came from (iex, sip); crypto has one. */
  readonly feed: string;
  readonly adjustment: BarAdjustment;
}

export function cachedDayFile(key: BarCacheKey, symbol: string, date: string): string {
  const folder = isCryptoSymbol(symbol)
    ? join(key.cacheDir, 'crypto', 'us')
    : join(key.cacheDir, 'stocks', key.feed, key.adjustment);
  return join(folder, symbolFileStem(symbol), `${date}.csv`);
}

export function isDayCached(key: BarCacheKey, symbol: string, date: string): boolean {
  return existsSync(cachedDayFile(key, symbol, date));
}

/** Writes one symbol's bars of one day (in time order) to the cache, atomically. */
export function cacheDay(key: BarCacheKey, symbol: string, date: string, bars: readonly Bar[]): void {
  const file = cachedDayFile(key, symbol, date);
  const lines = [CSV_HEADER];
  for (const bar of bars)
    lines.push(csvBarLine(bar.startUs, symbol, bar.open, bar.high, bar.low, bar.close, bar.volume));
  const temporary = `${file}.${randomUUID()}.tmp`;
  let written = false;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, `${lines.join('\n')}\n`);
    written = true;
    renameSync(temporary, file);
  } catch (error) {
    if (written) rmSync(temporary, { force: true });
    throw fileFailure('write the bar cache file', file, error);
  }
}
