/**
 * `ctl`'s command line read with node:util parseArgs: the command (one word or two), its
 * arguments by name and its flags. Anything unknown, misplaced or missing is a UsageError that
 * names it; values are checked later against the API's contract, where its rules live.
 */
import { parseArgs } from 'node:util';
import {
  COMMAND_NAMES,
  COMMANDS,
  type CommandSpec,
  CTL_OPTIONS,
  type CtlFlag,
  GLOBAL_FLAGS,
} from './ctl-commands-table.ts';
import { UsageError } from './errors.ts';

export interface CtlFlags {
  readonly url?: string;
  readonly token?: string;
  readonly profile?: string;
  readonly json: boolean;
  readonly reason?: string;
  readonly operator?: string;
  readonly limit?: string;
  readonly tif?: string;
  readonly all: boolean;
  readonly closed: boolean;
  readonly yes: boolean;
  readonly config?: string;
  readonly risk?: string;
  readonly data?: string;
  readonly 'ignore-env': boolean;
}

export interface CtlInvocation {
  readonly command: CommandSpec;
  /** By the names in the command's spec (SYMBOL, QTY, ID, FILE…). */
  readonly args: Readonly<Record<string, string>>;
  readonly flags: CtlFlags;
}

export type CtlArguments =
  | { readonly kind: 'help'; readonly command: CommandSpec | undefined }
  | { readonly kind: 'run'; readonly invocation: CtlInvocation };

export function parseCtlArguments(argv: readonly string[]): CtlArguments {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof CTL_OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: CTL_OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's message goes on to explain `--` for positionals that start with a dash; the first sentence names the flag.
    throw new UsageError((error as Error).message.split('. ')[0]!);
  }
  const { values, positionals } = parsed;
  const command = findCommand(positionals);
  if (command === undefined) {
    if (positionals.length === 0 && values.help === true) return { kind: 'help', command: undefined };
    if (positionals.length === 0) throw new UsageError('name a command');
    throw new UsageError(`unknown command ${JSON.stringify(positionals[0])}`);
  }
  if (values.help === true) return { kind: 'help', command };

  const given = Object.keys(values) as CtlFlag[];
  const foreign = given.filter((flag) => !command.flags.includes(flag) && !GLOBAL_FLAGS.includes(flag));
  if (foreign.length > 0)
    throw new UsageError(`${command.name} does not take ${foreign.map((flag) => `--${flag}`).join(', ')}`);

  const words = command.name.split(' ').length;
  const rest = positionals.slice(words);
  const optional = command.optionalArgs ?? [];
  if (rest.length < command.args.length)
    throw new UsageError(`${command.name} needs ${command.args.slice(rest.length).join(' ')}`);
  if (rest.length > command.args.length + optional.length)
    throw new UsageError(
      `unexpected argument${rest.length - command.args.length - optional.length === 1 ? '' : 's'} to ${command.name}: ${rest.slice(command.args.length + optional.length).join(' ')}`,
    );
  const names = [...command.args, ...optional];
  const args = Object.fromEntries(rest.map((value, index) => [names[index]!, value]));

  if (values.all === true && values.closed === true)
    throw new UsageError('--all and --closed exclude each other');
  if (values.url !== undefined && values.profile !== undefined)
    throw new UsageError('--url and --profile exclude each other');
  if (command.flags.includes('reason') && values.reason === undefined)
    throw new UsageError(`${command.name} needs --reason TEXT: say why, for the audit log`);

  return {
    kind: 'run',
    invocation: {
      command,
      args,
      flags: {
        ...values,
        json: values.json === true,
        all: values.all === true,
        closed: values.closed === true,
        yes: values.yes === true,
        'ignore-env': values['ignore-env'] === true,
      },
    },
  };
}

/** The longest command name the leading positionals spell: `strategies enable` before `strategies`. */
function findCommand(positionals: readonly string[]): CommandSpec | undefined {
  const two = positionals.slice(0, 2).join(' ');
  const name =
    COMMAND_NAMES.find((candidate) => candidate === two) ??
    COMMAND_NAMES.find((candidate) => candidate === positionals[0]);
  return name === undefined ? undefined : COMMANDS[name];
}
