/**
 * Replays a recorded NDJSON file (see replay-format.ts and docs/simulator.md "Replay format")
 * into a market, through the same listeners and history as generated data: at the recorded
 * pace (speed 1), N times faster, or as fast as possible ('max'). Bad lines are counted and
 * reported with their line numbers; they never stop the replay.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SimMarket } from '../market/market.ts';
import { parseReplayLine, publishReplayEvent } from './replay-format.ts';

export type ReplaySpeed = number | 'max';

export interface ReplayReport {
  readonly published: number;
  readonly rejected: number;
  /** The first few rejected lines, as "line N: reason". */
  readonly problems: readonly string[];
  readonly stopped: boolean;
}

export interface Replay {
  /** Resolves when the file is exhausted or stop() was called. */
  readonly done: Promise<ReplayReport>;
  stop(): void;
}

const MAX_PROBLEMS = 20;
/** In 'max' mode, yield to the event loop this often so sockets drain while the file streams. */
const YIELD_EVERY = 2_000;

export function replayFile(market: SimMarket, path: string, speed: ReplaySpeed): Replay {
  return replayLines(
    market,
    createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY }),
    speed,
  );
}

/** Throws a RangeError unless `speed` is a positive number or 'max' (a caller bug). */
export function checkReplaySpeed(speed: ReplaySpeed): void {
  if (speed !== 'max' && !(Number.isFinite(speed) && speed > 0)) {
    throw new RangeError(`replay speed must be a positive number or 'max', got ${String(speed)}`);
  }
}

export function replayLines(market: SimMarket, lines: AsyncIterable<string>, speed: ReplaySpeed): Replay {
  checkReplaySpeed(speed);
  let stopped = false;
  let wake: (() => void) | undefined;
  const stop = (): void => {
    stopped = true;
    wake?.();
  };
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const run = async (): Promise<ReplayReport> => {
    let published = 0;
    let rejected = 0;
    const problems: string[] = [];
    let lineNumber = 0;
    let firstStampUs: number | undefined;
    const startedMs = performance.now();
    for await (const line of lines) {
      if (stopped) break;
      lineNumber++;
      const parsed = parseReplayLine(line);
      if (!parsed.ok) {
        rejected++;
        if (problems.length < MAX_PROBLEMS) problems.push(`line ${lineNumber}: ${parsed.reason}`);
        continue;
      }
      if (parsed.event === undefined) continue;
      if (speed === 'max') {
        if (published % YIELD_EVERY === YIELD_EVERY - 1)
          await new Promise((resolve) => setImmediate(resolve));
      } else {
        firstStampUs ??= parsed.timestampUs;
        const dueMs = startedMs + (parsed.timestampUs - firstStampUs) / 1000 / speed;
        const waitMs = dueMs - performance.now();
        if (waitMs > 1) await sleep(waitMs);
        if (stopped) break;
      }
      publishReplayEvent(market, parsed.event);
      published++;
    }
    return { published, rejected, problems, stopped };
  };

  return { done: run(), stop };
}
