/**
 * One line on a terminal, redrawn in place by cli-progress (cursor to column 0, write, clear to the
 * right, cut at the terminal's width). The caller decides when to draw; this only draws.
 */
import cliProgress from 'cli-progress';

export interface TerminalLine {
  /** Redraws the line: a bar filled to `fraction` (0…1), then `text`. */
  draw(fraction: number, text: string): void;
  /** Leaves the last drawing on screen and moves to the next line. */
  finish(): void;
}

/** Opens the line showing `text` at first. */
export function openTerminalLine(output: NodeJS.WritableStream, text: string): TerminalLine {
  const bar = new cliProgress.SingleBar({
    stream: output,
    // The bar only when the whole text still fits beside it: the numbers matter more.
    format: (options, params, payload: { text: string }) => {
      const withBar = `[${cliProgress.Format.BarFormat(params.progress, options)}] ${payload.text}`;
      return withBar.length <= params.maxWidth ? withBar : payload.text;
    },
    barsize: 20,
    // The display throttles itself; cli-progress' own redraw timer then only finds nothing changed.
    synchronousUpdate: false,
    // Cut long lines at the terminal's width instead of switching the terminal's wrapping off,
    // which an interrupted run (ctrl-c in a hot loop never reaches stop) would leave switched off.
    linewrap: true,
    hideCursor: false,
    // Listening for SIGINT would take ctrl-c's default exit away from the backtest.
    gracefulExit: false,
  });
  bar.start(1, 0, { text });
  return {
    draw(fraction, text) {
      bar.update(fraction, { text });
      bar.render();
    },
    finish() {
      bar.stop();
    },
  };
}
