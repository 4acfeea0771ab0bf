/**
 * A failed read as one sentence for a report: what was asked and what went wrong, with the hint
 * on-call needs for the common broker refusals. Venue and store errors never carry credentials.
 */
import { VenueRateLimitedError, VenueRejectedError, VenueUnreachableError } from '../venue/venue-errors.ts';
import { describeError } from './run-ops-job.ts';

export function describeFailure(what: string, error: unknown): string {
  if (error instanceof VenueRateLimitedError)
    return `${what}: rate limited by the broker (429): ${error.message}`;
  if (error instanceof VenueRejectedError && (error.status === 401 || error.status === 403)) {
    return `${what}: the broker refused the keys (HTTP ${error.status}); check the broker secret: ${error.message}`;
  }
  if (error instanceof VenueRejectedError && error.isServerError) {
    return `${what}: the broker failed (HTTP ${error.status}): ${error.message}`;
  }
  if (error instanceof VenueUnreachableError) {
    const timedOut = error.causeCode.includes('TIMEOUT');
    return `${what}: the broker ${timedOut ? 'did not answer in time' : 'could not be reached'} (${error.causeCode})`;
  }
  return `${what}: ${describeError(error)}`;
}

/** Runs one read; a failure is rethrown as an Error whose message is describeFailure's sentence. */
export async function described<T>(what: string, act: () => Promise<T>): Promise<T> {
  try {
    return await act();
  } catch (error) {
    throw new Error(describeFailure(what, error), { cause: error });
  }
}
