/**
 * A run's event log: what the venue was asked and answered, the faults applied, what the engine
 * booked and decided, each stamped with virtual time. Entries hold only values a replay
 * reproduces (no wall-clock time, no object identity), so two runs of one seed give the same log,
 * byte for byte, and its hash says so in one comparison.
 */
import { createHash } from 'node:crypto';

export type LogEntry = Readonly<Record<string, string | number | boolean | null>>;

export class EventLog {
  readonly #entries: string[] = [];
  readonly #nowMs: () => number;

  constructor(nowMs: () => number) {
    this.#nowMs = nowMs;
  }

  add(kind: string, fields: LogEntry = {}): void {
    this.#entries.push(JSON.stringify({ t: this.#nowMs(), kind, ...fields }));
  }

  get length(): number {
    return this.#entries.length;
  }

  /** JSON lines, one entry a line. */
  text(): string {
    return this.#entries.length === 0 ? '' : `${this.#entries.join('\n')}\n`;
  }

  hash(): string {
    const hash = createHash('sha256');
    for (const entry of this.#entries) hash.update(entry).update('\n');
    return hash.digest('hex');
  }
}
