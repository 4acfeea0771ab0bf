import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createProgress,
  describeProgress,
  PLAIN_LINE_MIN_GAP_MS,
  type ProgressOutput,
  TERMINAL_REDRAW_MS,
} from '../../../backtest/progress/progress-display.ts';
import { formatNewYorkTime } from '../../../backtest/progress/progress-format.ts';

/** A stream that says it is (or is not) a terminal, and keeps what is written to it. */
function fakeOutput(isTTY: boolean, columns = 160): { output: ProgressOutput; written: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY, columns });
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { output: stream, written: () => chunks.join('') };
}

/** A clock the test moves by hand. */
function manualClock(): { clock: () => number; advance: (ms: number) => void } {
  let nowMs = 1_000;
  return { clock: () => nowMs, advance: (ms) => (nowMs += ms) };
}

// Written synchronously by PassThrough's write, read back after the event loop turns.
const flushed = () => new Promise((resolve) => setImmediate(resolve));

const ESCAPE = '\u001b';

/** The percentage field of each plain line. */
const percentagesIn = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => line.split(' ')[2]);
const JAN_2_2024_0930_NEW_YORK = Date.UTC(2024, 0, 2, 14, 30);

describe('createProgress on a stream that is not a terminal', () => {
  it('writes plain lines with the counts, rate, time left and simulated time, then the totals', async () => {
    const { output, written } = fakeOutput(false);
    const { clock, advance } = manualClock();
    const progress = createProgress<number>({
      total: 10_000_000,
      unit: 'bars',
      output,
      clock,
      describe: formatNewYorkTime,
    });

    advance(2_000);
    progress.update(2_500_000, JAN_2_2024_0930_NEW_YORK);
    advance(6_000);
    progress.update(10_000_000, JAN_2_2024_0930_NEW_YORK + 60_000);
    progress.stop();
    await flushed();

    expect(written()).not.toContain(ESCAPE);
    expect(written()).not.toContain('\r');
    expect(written().split('\n')).toStrictEqual([
      '2,500,000/10,000,000 bars 25.0% | 1.3M bars/s | 6.0s left | 2024-01-02 09:30 ET',
      '10,000,000/10,000,000 bars 100.0% | 1.3M bars/s | 0.0s left | 2024-01-02 09:31 ET',
      '10,000,000/10,000,000 bars 100.0% | 1.3M bars/s | took 8.0s | 2024-01-02 09:31 ET',
      '',
    ]);
  });

  it('writes a line per tenth done', async () => {
    const { output, written } = fakeOutput(false);
    const { clock, advance } = manualClock();
    const progress = createProgress({ total: 1000, unit: 'bars', output, clock });

    for (let done = 10; done <= 1000; done += 10) {
      advance(PLAIN_LINE_MIN_GAP_MS / 5);
      progress.update(done);
    }
    await flushed();

    expect(percentagesIn(written())).toStrictEqual([
      '10.0%',
      '20.0%',
      '30.0%',
      '40.0%',
      '50.0%',
      '60.0%',
      '70.0%',
      '80.0%',
      '90.0%',
      '100.0%',
    ]);
  });

  it('writes no two lines within a second, however fast the tenths come', async () => {
    const { output, written } = fakeOutput(false);
    const { clock, advance } = manualClock();
    const progress = createProgress({ total: 100, unit: 'bars', output, clock });

    for (let done = 1; done <= 100; done += 1) {
      advance(PLAIN_LINE_MIN_GAP_MS / 20);
      progress.update(done);
    }
    await flushed();

    expect(percentagesIn(written())).toStrictEqual(['20.0%', '40.0%', '60.0%', '80.0%', '100.0%']);
  });

  it('writes a line every few seconds when the tenths come slowly', async () => {
    const { output, written } = fakeOutput(false);
    const { clock, advance } = manualClock();
    const progress = createProgress({ total: 1_000_000, unit: 'bars', output, clock });

    for (let second = 1; second <= 12; second += 1) {
      advance(1_000);
      progress.update(second * 1_000);
    }
    await flushed();

    // One line every PLAIN_LINE_MS (5 s) at 1,000 bars a second.
    expect(written().trim().split('\n')).toStrictEqual([
      '5,000/1,000,000 bars 0.5% | 1K bars/s | 16m 35s left',
      '10,000/1,000,000 bars 1.0% | 1K bars/s | 16m 30s left',
    ]);
  });

  it('serves a sweep: runs as the unit, the best run so far as the detail', async () => {
    const { output, written } = fakeOutput(false);
    const { clock, advance } = manualClock();
    const progress = createProgress({ total: 4, unit: 'runs', output, clock });

    advance(3_000);
    progress.update(1, 'best sharpe 1.42 (fast=10, slow=60)');
    advance(3_000);
    progress.update(2);
    progress.stop();
    await flushed();

    expect(written().trim().split('\n')).toStrictEqual([
      '1/4 runs 25.0% | 0.33 runs/s | 9.0s left | best sharpe 1.42 (fast=10, slow=60)',
      '2/4 runs 50.0% | 0.33 runs/s | 6.0s left | best sharpe 1.42 (fast=10, slow=60)',
      '2/4 runs 50.0% | 0.33 runs/s | took 6.0s | best sharpe 1.42 (fast=10, slow=60)',
    ]);
  });

  it('ignores updates after stop, and a second stop', async () => {
    const { output, written } = fakeOutput(false);
    const { clock, advance } = manualClock();
    const progress = createProgress({ total: 10, unit: 'runs', output, clock });

    progress.stop();
    advance(10_000);
    progress.update(10);
    progress.stop();
    await flushed();

    expect(written()).toBe('0/10 runs 0.0% | -- runs/s | took 0.0s\n');
  });
});

describe('createProgress on a terminal', () => {
  const CURSOR_TO_LINE_START = '\u001b[1G';
  const CLEAR_TO_LINE_END = '\u001b[0K';

  it('draws one line at once and redraws it in place at most every 100 ms', async () => {
    const { output, written } = fakeOutput(true);
    const { clock, advance } = manualClock();
    const progress = createProgress({ total: 1000, unit: 'bars', output, clock });
    await flushed();
    const drawsAtStart = written().split(CURSOR_TO_LINE_START).length - 1;

    for (let done = 1; done <= 50; done += 1) {
      advance(TERMINAL_REDRAW_MS / 10);
      progress.update(done * 10);
    }
    await flushed();

    expect(drawsAtStart).toBe(1);
    expect(written()).toContain('[--------------------] 0/1,000 bars 0.0% | -- bars/s | -- left');
    // 50 updates over 500 ms: five redraws, each from the start of the same line, none on a new one.
    expect(written().split(CURSOR_TO_LINE_START).length - 1).toBe(1 + 5);
    expect(written()).toContain('[==========----------] 500/1,000 bars 50.0% | 1K bars/s | 0.5s left');
    expect(written()).not.toContain('\n');
    progress.stop();
  });

  it('finishes with the totals and a newline', async () => {
    const { output, written } = fakeOutput(true);
    const { clock, advance } = manualClock();
    const progress = createProgress({ total: 200, unit: 'runs', output, clock });

    advance(4_000);
    progress.update(200, 'best sharpe 2.10');
    progress.stop();
    await flushed();

    const lastDraw = written().split(CURSOR_TO_LINE_START).at(-1)!;
    expect(lastDraw).toMatch(
      /^\[=+\] 200\/200 runs 100\.0% \| 50 runs\/s \| took 4\.0s \| best sharpe 2\.10/,
    );
    expect(written().endsWith('\n')).toBe(true);
    expect(written().match(/\n/g)).toHaveLength(1);
  });

  it('keeps to the terminal width, dropping the bar before the numbers', async () => {
    const { output, written } = fakeOutput(true, 60);
    const { clock, advance } = manualClock();
    const progress = createProgress<number>({
      total: 5_000_000,
      unit: 'bars',
      output,
      clock,
      describe: formatNewYorkTime,
    });

    advance(1_000);
    progress.update(1_200_000, JAN_2_2024_0930_NEW_YORK);
    progress.stop();
    await flushed();

    // Each draw: cursor to column 1, the text, clear to the end of the line.
    const draws = written()
      .split(CURSOR_TO_LINE_START)
      .slice(1)
      .map((draw) => draw.split(CLEAR_TO_LINE_END)[0]!);
    expect(draws.every((draw) => draw.length <= 60)).toBe(true);
    // Cut at 60 columns: the bar went first, then the end of the simulated time.
    expect(draws.at(-1)).toBe('1,200,000/5,000,000 bars 24.0% | 1.2M bars/s | took 1.0s | 2');
  });
});

describe('createProgress options', () => {
  it.each([-1, 1.5, Number.NaN])('refuses a total of %s', (total) => {
    expect(() => createProgress({ total, unit: 'bars', output: fakeOutput(false).output })).toThrow(
      `progress total must be a whole number of at least 0, got ${total}`,
    );
  });

  it('refuses an empty unit', () => {
    expect(() => createProgress({ total: 1, unit: ' ', output: fakeOutput(false).output })).toThrow(
      'progress unit must name what is counted',
    );
  });
});

describe('describeProgress', () => {
  it('humanises rate and time left', () => {
    expect(
      describeProgress({
        done: 1_234_567,
        total: 250_000_000,
        unit: 'bars',
        detail: undefined,
        elapsedMs: 1_000,
        finished: false,
      }),
    ).toBe('1,234,567/250,000,000 bars 0.5% | 1.2M bars/s | 3m 22s left');
  });

  it('counts a job of nothing as done', () => {
    expect(
      describeProgress({ done: 0, total: 0, unit: 'runs', detail: undefined, elapsedMs: 5, finished: true }),
    ).toBe('0/0 runs 100.0% | 0 runs/s | took 0.0s');
  });
});
