/** What every parser of outside input owes its caller, checked the same way in every fuzz suite. */
import { expect } from 'vitest';

/**
 * Runs `parse`; a throw must be the parser's documented error type with a message that says
 * something. Any other exception (a TypeError, a RangeError from a blown stack) is a bug.
 */
export function expectOnlyDocumentedError<T>(
  errorType: abstract new (...args: never[]) => Error,
  parse: () => T,
): { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Error } {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(errorType);
    expect((error as Error).message.trim().length).toBeGreaterThan(0);
    return { ok: false, error: error as Error };
  }
}

/** A refusal's reason: present, and naming a field or saying what was wrong. */
export function expectReason(reason: string | undefined): void {
  expect(typeof reason).toBe('string');
  expect(reason!.trim().length).toBeGreaterThan(0);
}
