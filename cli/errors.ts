/** The CLI's own failures, each with the exit code it ends the command with. */
import { EXIT_CODES, type ExitCode } from './exit-codes.ts';

export class CtlError extends Error {
  override readonly name: string = 'CtlError';
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** A flag, an argument, a profile or the connection is wrong: nothing was sent. */
export class UsageError extends CtlError {
  override readonly name = 'UsageError';

  constructor(message: string) {
    super(message, EXIT_CODES.usage);
  }
}
