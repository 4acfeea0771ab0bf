/**
 * The minute bars of a simulator replay file (NDJSON, one Alpaca stream message per line; see
 * sim/replay/replay-format.ts). Every line is validated as the simulator's replay validates it;
 * minute bars (`"T":"b"`) are kept, an updated bar (`"T":"u"`) replaces the minute bar it corrects,
 * and everything else (quotes, trades, daily bars, statuses) is read past.
 */

import type { SimBar } from '../../sim/market/market-events.ts';
import { parseReplayLine } from '../../sim/replay/replay-format.ts';
import type { BarColumnsBuilder } from './bar-columns.ts';
import type { ProblemLog } from './bar-data-error.ts';
import { readDataFile } from './read-data-file.ts';

interface PendingBar {
  readonly line: number;
  readonly bar: SimBar;
}

/** Appends the minute bars of a replay file to `bars`, reporting bad lines as `file:line: what`. */
export function readReplayBars(file: string, bars: BarColumnsBuilder, problems: ProblemLog): void {
  const lines = readDataFile(file).toString('utf8').split('\n');
  // A symbol's latest minute bar waits here until its minute is over: an updated bar may follow.
  const pending = new Map<number, PendingBar>();
  const flush = (symbol: number): void => {
    const waiting = pending.get(symbol);
    if (waiting === undefined) return;
    pending.delete(symbol);
    const { bar } = waiting;
    const problem = bars.append(symbol, bar.startUs, bar.open, bar.high, bar.low, bar.close, bar.volume);
    if (problem !== undefined) problems.add(`${file}:${waiting.line}`, problem);
  };
  for (const [offset, text] of lines.entries()) {
    const line = offset + 1;
    const parsed = parseReplayLine(text);
    if (!parsed.ok) {
      problems.add(`${file}:${line}`, parsed.reason);
      continue;
    }
    if (parsed.event?.kind !== 'bar') continue;
    const bar = parsed.event.event;
    if (bar.kind === 'daily') continue;
    const symbol = bars.symbolIndex(bar.symbol);
    const waiting = pending.get(symbol);
    if (bar.kind === 'updated') {
      if (waiting?.bar.startUs !== bar.startUs) {
        const latest = waiting === undefined ? 'none' : new Date(waiting.bar.startUs / 1000).toISOString();
        problems.add(
          `${file}:${line}`,
          `an updated bar of ${bar.symbol} for ${new Date(bar.startUs / 1000).toISOString()} does not correct its latest minute bar (${latest})`,
        );
        continue;
      }
      pending.set(symbol, { line, bar });
      continue;
    }
    flush(symbol);
    pending.set(symbol, { line, bar });
  }
  for (const symbol of [...pending.keys()]) flush(symbol);
}
