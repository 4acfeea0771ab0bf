/**
 * The one shape of an answer to something the system was asked to do: an operator action, a
 * risk check, an order route. A refusal is a value with a stable machine code and a message a
 * person can act on, never an exception, so it reaches the operator (HTTP body, audit entry,
 * log line, metric label) exactly as the component that refused wrote it.
 */

export interface Refusal<Code extends string = string> {
  readonly ok: false;
  /** Stable and snake_case: metric labels, API error codes and tests match on it. */
  readonly code: Code;
  readonly message: string;
}

export interface Accepted<Detail = unknown> {
  readonly ok: true;
  readonly detail?: Detail;
}

export type Outcome<Detail = unknown, Code extends string = string> = Accepted<Detail> | Refusal<Code>;

export const ACCEPTED: Accepted<never> = Object.freeze({ ok: true });

export function refusal<Code extends string>(code: Code, message: string): Refusal<Code> {
  return { ok: false, code, message };
}
