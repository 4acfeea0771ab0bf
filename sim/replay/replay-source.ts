/**
 * Replay on a virtual clock, for backtests: the recorded events become a source the market
 * interleaves by timestamp with everything else it emits, so `advanceTo(ms)` publishes exactly
 * the recorded events up to `ms`, in file order, as fast as the CPU allows. The wall-clock
 * replay (replay.ts) paces the same format against real time instead.
 */
import { readFileSync } from 'node:fs';
import type { SimMarket, TimedEventSource } from '../market/market.ts';
import { parseReplayLine, publishReplayEvent, type ReplayEvent } from './replay-format.ts';

export interface ReplaySourceReport {
  readonly published: number;
  readonly rejected: number;
  /** The first few rejected lines, as "line N: reason". */
  readonly problems: readonly string[];
}

const MAX_PROBLEMS = 20;

export class ReplaySource implements TimedEventSource {
  readonly #lines: Iterator<string>;
  #lineNumber = 0;
  #next: { event: ReplayEvent; timestampUs: number } | undefined;
  #published = 0;
  #rejected = 0;
  readonly #problems: string[] = [];

  constructor(lines: Iterable<string>) {
    this.#lines = lines[Symbol.iterator]();
    this.#advance();
  }

  nextUs(): number | undefined {
    return this.#next?.timestampUs;
  }

  emitNext(market: SimMarket): void {
    const next = this.#next;
    if (next === undefined) return;
    publishReplayEvent(market, next.event);
    this.#published++;
    this.#advance();
  }

  report(): ReplaySourceReport {
    return { published: this.#published, rejected: this.#rejected, problems: [...this.#problems] };
  }

  /** Reads ahead to the next valid event, counting the bad lines on the way. */
  #advance(): void {
    this.#next = undefined;
    for (let result = this.#lines.next(); result.done !== true; result = this.#lines.next()) {
      this.#lineNumber++;
      const parsed = parseReplayLine(result.value);
      if (!parsed.ok) {
        this.#rejected++;
        if (this.#problems.length < MAX_PROBLEMS)
          this.#problems.push(`line ${this.#lineNumber}: ${parsed.reason}`);
        continue;
      }
      if (parsed.event === undefined) continue;
      this.#next = { event: parsed.event, timestampUs: parsed.timestampUs };
      return;
    }
  }
}

/** A replay source over a whole file, read at once (backtest files fit in memory). */
export function replaySourceFromFile(path: string): ReplaySource {
  return new ReplaySource(readFileSync(path, 'utf8').split('\n'));
}
