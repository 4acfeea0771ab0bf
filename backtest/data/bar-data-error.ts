/**
 * What goes wrong while loading bars, told so that the person who ran the backtest can fix it: a
 * data file's problems each with `file:line`, a download refused, a request that makes no sense.
 * The message is what the command prints; there is no stack worth showing.
 */
export class BarDataError extends Error {
  override readonly name = 'BarDataError';
  /** Each problem on its own (the message lists them too). */
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[] = []) {
    super(problems.length === 0 ? message : `${message}\n${problems.map((line) => `  ${line}`).join('\n')}`);
    this.problems = problems;
  }
}

/** How many problems are reported at once: enough to show a pattern, few enough to read. */
export const MAX_REPORTED_PROBLEMS = 20;

/**
 * Collects data problems as `where: what` so a file's mistakes are reported together; at the
 * limit it throws at once, since the rest of a broken file rarely says anything new.
 */
export class ProblemLog {
  readonly #problems: string[] = [];
  readonly #subject: string;

  /** `subject` starts the error's message, e.g. "bad bar data in data/bars.csv". */
  constructor(subject: string) {
    this.#subject = subject;
  }

  get count(): number {
    return this.#problems.length;
  }

  add(where: string, what: string): void {
    this.#problems.push(`${where}: ${what}`);
    if (this.#problems.length >= MAX_REPORTED_PROBLEMS) {
      throw new BarDataError(
        `${this.#subject} (stopped at the first ${MAX_REPORTED_PROBLEMS} problems):`,
        this.#problems,
      );
    }
  }

  throwIfAny(): void {
    if (this.#problems.length === 0) return;
    const count = this.#problems.length;
    throw new BarDataError(`${this.#subject} (${count} problem${count === 1 ? '' : 's'}):`, this.#problems);
  }
}
