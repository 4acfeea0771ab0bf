/**
 * Progress of a long job — bars of a backtest, runs of a sweep — on a stream (stderr by default,
 * so stdout stays free for results). On a terminal one line is redrawn in place; anywhere else
 * (a CI log, a file) plain lines are written now and then, and a last line with the totals.
 *
 * `update` is meant for hot loops: it stores its arguments and compares a clock reading, and
 * formats nothing unless a draw is due, so a runner may call it every few thousand bars.
 */
import { formatDuration } from '../../shared/time/format-duration.ts';
import { formatCount, formatRate } from './progress-format.ts';
import { openTerminalLine } from './terminal-line.ts';

/** A writable stream, and whether it is a terminal (process.stderr has both). */
export type ProgressOutput = NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };

export interface ProgressOptions<Detail> {
  /** How many units the job has; 0 is allowed (done at once). */
  readonly total: number;
  /** What is counted, plural: "bars", "runs". */
  readonly unit: string;
  /** Where to write; process.stderr by default. */
  readonly output?: ProgressOutput;
  /** Turns the detail given to `update` into text, when a line is drawn; String by default. */
  readonly describe?: (detail: Detail) => string;
  /** Milliseconds from a monotonic clock; performance.now by default. */
  readonly clock?: () => number;
}

export interface Progress<Detail> {
  /** `done` units are done; `detail` says where the job is (simulated time, best run so far). */
  update(done: number, detail?: Detail): void;
  /** Draws the final state with the totals and ends the line. Call it in a finally block. */
  stop(): void;
}

/** At most ten redraws a second on a terminal: smooth to the eye, negligible to the loop. */
export const TERMINAL_REDRAW_MS = 100;
/** In a log, a line once another tenth is done or this long has passed … */
export const PLAIN_LINE_MS = 5_000;
/** … but never two within this, so a run of a second or two writes no more than its last line. */
export const PLAIN_LINE_MIN_GAP_MS = 1_000;

export interface ProgressSnapshot {
  readonly done: number;
  readonly total: number;
  readonly unit: string;
  readonly detail: string | undefined;
  readonly elapsedMs: number;
  readonly finished: boolean;
}

function fractionDone(done: number, total: number): number {
  return total === 0 ? 1 : Math.min(Math.max(done / total, 0), 1);
}

/**
 * "1,234/5,000 bars 24.7% | 1.2K bars/s | 3.1s left | 2024-03-15 10:31 ET": the detail last, as
 * a narrow terminal cuts the line's end.
 */
export function describeProgress(snapshot: ProgressSnapshot): string {
  const { done, total, unit, detail, elapsedMs, finished } = snapshot;
  const perSecond = elapsedMs > 0 ? (done * 1000) / elapsedMs : undefined;
  const fields = [
    `${formatCount(done)}/${formatCount(total)} ${unit} ${(fractionDone(done, total) * 100).toFixed(1)}%`,
    perSecond === undefined ? `-- ${unit}/s` : `${formatRate(perSecond)} ${unit}/s`,
  ];
  if (finished) {
    fields.push(`took ${formatDuration(elapsedMs)}`);
  } else if (perSecond !== undefined && perSecond > 0) {
    fields.push(`${formatDuration(((total - Math.min(done, total)) * 1000) / perSecond)} left`);
  } else {
    fields.push('-- left');
  }
  if (detail !== undefined) fields.push(detail);
  return fields.join(' | ');
}

/** Where progress goes: when a draw is due (claiming it), how to draw, how to end. */
interface ProgressSink {
  due(nowMs: number, done: number): boolean;
  draw(fraction: number, text: string): void;
  finish(): void;
}

function terminalSink(output: ProgressOutput, startMs: number, firstText: string): ProgressSink {
  const line = openTerminalLine(output, firstText);
  let lastDrawMs = startMs;
  return {
    due(nowMs) {
      if (nowMs - lastDrawMs < TERMINAL_REDRAW_MS) return false;
      lastDrawMs = nowMs;
      return true;
    },
    draw: (fraction, text) => line.draw(fraction, text),
    finish: () => line.finish(),
  };
}

function plainSink(output: ProgressOutput, startMs: number, total: number): ProgressSink {
  const tenthOf = (done: number) => (total === 0 ? 10 : Math.floor((done * 10) / total));
  let lastLineMs = startMs;
  let lastTenth = 0;
  return {
    due(nowMs, done) {
      const sinceLastMs = nowMs - lastLineMs;
      if (sinceLastMs < PLAIN_LINE_MIN_GAP_MS) return false;
      const tenth = tenthOf(done);
      if (tenth <= lastTenth && sinceLastMs < PLAIN_LINE_MS) return false;
      lastLineMs = nowMs;
      lastTenth = tenth;
      return true;
    },
    draw: (_, text) => output.write(`${text}\n`),
    finish: () => {},
  };
}

export function createProgress<Detail = string>(options: ProgressOptions<Detail>): Progress<Detail> {
  const { total, unit } = options;
  if (!Number.isSafeInteger(total) || total < 0) {
    throw new RangeError(`progress total must be a whole number of at least 0, got ${total}`);
  }
  if (unit.trim() === '') throw new RangeError('progress unit must name what is counted, e.g. "bars"');
  const output = options.output ?? process.stderr;
  const describe = options.describe ?? String;
  const clock = options.clock ?? (() => performance.now());

  const startMs = clock();
  let done = 0;
  let detail: Detail | undefined;
  let stopped = false;

  const text = (nowMs: number, finished: boolean) =>
    describeProgress({
      done,
      total,
      unit,
      detail: detail === undefined ? undefined : describe(detail),
      elapsedMs: nowMs - startMs,
      finished,
    });
  // A terminal shows the job at once; a log gets its first line once there is progress to report.
  const sink =
    output.isTTY === true
      ? terminalSink(output, startMs, text(startMs, false))
      : plainSink(output, startMs, total);
  const draw = (nowMs: number, finished: boolean) =>
    sink.draw(fractionDone(done, total), text(nowMs, finished));

  return {
    update(newDone, newDetail) {
      if (stopped) return;
      done = newDone;
      if (newDetail !== undefined) detail = newDetail;
      const nowMs = clock();
      if (sink.due(nowMs, done)) draw(nowMs, false);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      draw(clock(), true);
      sink.finish();
    },
  };
}
