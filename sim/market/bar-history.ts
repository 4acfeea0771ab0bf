/**
 * Minute and daily bars of one symbol, kept in time order for the historical bars endpoint
 * and for snapshots. An updated bar replaces the minute bar with the same start.
 */
import type { SimBar } from './market-events.ts';

/** About 70 days of 24-hour minute bars; the oldest are dropped beyond this. */
const MAX_MINUTE_BARS = 100_000;

export class BarHistory {
  readonly minute: SimBar[] = [];
  readonly daily: SimBar[] = [];

  add(bar: SimBar): void {
    const list = bar.kind === 'daily' ? this.daily : this.minute;
    const last = list.at(-1);
    if (last !== undefined && last.startUs === bar.startUs) {
      list[list.length - 1] = bar;
      return;
    }
    if (last !== undefined && last.startUs > bar.startUs) {
      // An updated bar for an older minute: replace in place, searching back from the end.
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i]!.startUs === bar.startUs) {
          list[i] = bar;
          return;
        }
        if (list[i]!.startUs < bar.startUs) break;
      }
      return;
    }
    list.push(bar);
    if (list.length > MAX_MINUTE_BARS) list.splice(0, list.length - MAX_MINUTE_BARS);
  }

  latestMinute(): SimBar | undefined {
    return this.minute.at(-1);
  }
}
