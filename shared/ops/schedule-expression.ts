/**
 * Evaluates EventBridge Scheduler cron expressions in a time zone (croner does the calendar and
 * DST arithmetic), so the local scheduler fires on the expressions deployed to AWS and tests can
 * check when they fire without waiting. EventBridge's fields are minutes, hours, day-of-month,
 * month, day-of-week, year; `?` is "any" and a step's start is a number (`0/5`).
 */
import { Cron } from 'croner';

const CRON = /^cron\((.+)\)$/;

/** The croner pattern (seconds first, seven fields) for an EventBridge `cron(...)` expression. */
export function cronerPattern(expression: string): string {
  const match = CRON.exec(expression.trim());
  if (match === null)
    throw new Error(`${JSON.stringify(expression)} is not an EventBridge cron(...) expression`);
  const fields = match[1]!.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(`${JSON.stringify(expression)} has ${fields.length} fields; EventBridge cron takes 6`);
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (/^[0-9,\-/*]+$/.test(dayOfWeek) && dayOfWeek !== '*' && dayOfWeek !== '?') {
    // EventBridge numbers Sunday 1 … Saturday 7; croner numbers it 0 … 6. Names mean the same in both.
    throw new Error(`${JSON.stringify(expression)}: write the day of week with names (MON-FRI), not numbers`);
  }
  const startStep = (field: string, max: number) => field.replace(/^(\d+)\/(\d+)$/, `$1-${max}/$2`);
  return ['0', startStep(minutes, 59), startStep(hours, 23), dayOfMonth, month, dayOfWeek, year].join(' ');
}

export class ScheduleExpression {
  readonly expression: string;
  readonly timeZone: string;
  readonly #cron: Cron;

  constructor(expression: string, timeZone: string) {
    this.expression = expression;
    this.timeZone = timeZone;
    this.#cron = new Cron(cronerPattern(expression), { timezone: timeZone, paused: true });
  }

  /** The first firing strictly after `afterMs`, or null when there is none. */
  nextAfter(afterMs: number): number | null {
    return this.#cron.nextRun(new Date(afterMs))?.getTime() ?? null;
  }

  /** The next `count` firings strictly after `afterMs`. */
  nextFirings(afterMs: number, count: number): number[] {
    const firings: number[] = [];
    for (let at = this.nextAfter(afterMs); at !== null && firings.length < count; at = this.nextAfter(at)) {
      firings.push(at);
    }
    return firings;
  }
}
