/**
 * `ctl` from its arguments to its exit code: parse, run the command, print for a person or for a
 * script, and turn every failure into one line on stderr and an exit code that says what kind it
 * was (exit-codes.ts). No stack trace and no token ever reaches the output.
 */
import { EngineApiError } from '../shared/api/engine-api-client.ts';
import { parseCtlArguments } from './ctl-arguments.ts';
import { RUNS } from './ctl-commands.ts';
import { helpText, SHORT_USAGE } from './ctl-help.ts';
import { CtlError, UsageError } from './errors.ts';
import { EXIT_CODES, exitCodeOf } from './exit-codes.ts';

export interface CtlIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly endpointsFile?: string;
  readonly confirm: ((question: string) => Promise<boolean>) | undefined;
}

export async function runCtl(argv: readonly string[], io: CtlIo): Promise<number> {
  try {
    const parsed = parseCtlArguments(argv);
    if (parsed.kind === 'help') {
      io.stdout(helpText(parsed.command));
      return EXIT_CODES.ok;
    }
    const { invocation } = parsed;
    const outcome = await RUNS[invocation.command.name]({
      invocation,
      env: io.env,
      confirm: io.confirm,
      ...(io.endpointsFile === undefined ? {} : { endpointsFile: io.endpointsFile }),
    });
    if (invocation.flags.json) io.stdout(JSON.stringify(outcome.json, null, 2));
    else if (outcome.text !== '') io.stdout(outcome.text);
    if (outcome.problem !== undefined) io.stderr(outcome.problem);
    return outcome.exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`ctl: ${error.message}\n${SHORT_USAGE}`);
      return error.exitCode;
    }
    if (error instanceof CtlError) {
      io.stderr(`ctl: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof EngineApiError) {
      const issues = error.issues.map((issue) => `\n  ${issue.path}: ${issue.rule}`).join('');
      io.stderr(`ctl: ${error.message}${issues}`);
      return exitCodeOf(error);
    }
    // Anything else is broken infrastructure around the call (a file, the network stack): one line, no stack.
    io.stderr(`ctl: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_CODES.unavailable;
  }
}
