import type { Bar } from '../../shared/domain/market-data.ts';

export const MINUTE_US = 60_000_000;

/** A minute bar closing at `close`, its high and low `halfRange` either side. */
export function minuteBar(
  symbol: string,
  minute: number,
  close: number,
  kind: Bar['kind'] = 'minute',
  halfRange = 0,
): Bar {
  return {
    symbol,
    kind,
    startUs: minute * MINUTE_US,
    open: close,
    high: close + halfRange,
    low: close - halfRange,
    close,
    volume: 100,
    tradeCount: 1,
    vwap: close,
  };
}
