/**
 * What stops a sweep on AWS, each error naming what was wrong. The functions throw them, so a grid
 * point that cannot run fails its item, the Distributed Map (which tolerates no failure) fails the
 * execution, and no summary is written; the error's name is the Step Functions error.
 */
import type { z } from 'zod';

function listed(message: string, problems: readonly string[]): string {
  return problems.length === 0 ? message : `${message}:\n${problems.map((line) => `  - ${line}`).join('\n')}`;
}

/** One line per zod issue: `path: message`. */
export function zodProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(the whole value)'}: ${issue.message}`);
}

/** The invocation's event is not what the state machine sends. */
export class SweepEventError extends Error {
  override readonly name = 'SweepEventError';
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[] = []) {
    super(listed(message, problems));
    this.problems = problems;
  }
}

/** An object of the run is missing, or is not what the command or a function writes. */
export class SweepFileError extends Error {
  override readonly name = 'SweepFileError';
  /** s3://bucket/key */
  readonly url: string;
  readonly problems: readonly string[];

  constructor(url: string, message: string, problems: readonly string[] = []) {
    super(listed(`${url}: ${message}`, problems));
    this.url = url;
    this.problems = problems;
  }
}

/** The run's results are not one per grid point: the summary would be partial, so none is written. */
export class SweepIncompleteError extends Error {
  override readonly name = 'SweepIncompleteError';
}
