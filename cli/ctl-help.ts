/** `ctl --help` and `ctl COMMAND --help`, written from the command table and the exit codes. */
import {
  COMMAND_NAMES,
  COMMANDS,
  type CommandSpec,
  FLAG_VALUES,
  GLOBAL_FLAGS,
} from './ctl-commands-table.ts';
import { CONNECTION_VARIABLES } from './ctl-connection.ts';
import { EXIT_CODE_HELP } from './exit-codes.ts';

const INVOKE = 'npm run ctl --';

export function commandUsage(command: CommandSpec): string {
  const args = [...command.args, ...(command.optionalArgs ?? []).map((arg) => `[${arg}]`)];
  const flags = [...command.flags, ...GLOBAL_FLAGS.filter((flag) => flag !== 'help')].map((flag) => {
    const value = FLAG_VALUES[flag];
    const text = value === undefined ? `--${flag}` : `--${flag} ${value}`;
    return flag === 'reason' ? text : `[${text}]`;
  });
  return [command.name, ...args, ...flags].join(' ');
}

export const SHORT_USAGE = `usage: ${INVOKE} COMMAND [ARGS] [FLAGS]   (${INVOKE} --help lists them)`;

export function helpText(command: CommandSpec | undefined): string {
  if (command !== undefined)
    return `usage: ${INVOKE} ${commandUsage(command)}\n  ${command.summary}\n\n${EXIT_CODE_HELP}`;
  const width = Math.max(...COMMAND_NAMES.map((name) => name.length));
  return `usage: ${INVOKE} COMMAND [ARGS] [FLAGS]   (or trading-ctl COMMAND …)

commands:
${COMMAND_NAMES.map((name) => `  ${name.padEnd(width)}  ${COMMANDS[name].summary}`).join('\n')}

every command: --json prints the answer as JSON for scripts; --help its own usage.
actions (buy, sell, close, kill, reset-breaker, strategies enable|disable) need --reason TEXT;
--operator NAME defaults to the profile's operator, else $USER.
buy|sell SYMBOL QTY [--limit PRICE] [--tif day|gtc|ioc]; orders [--closed|--all];
reconcile|backup [--config FILE] [--risk FILE] [--data FOLDER]; validate-config FILE [RISK_FILE] [--ignore-env].

which engine: --url URL or --profile NAME; else ${CONNECTION_VARIABLES.url} or ${CONNECTION_VARIABLES.profile};
else the local stack that npm start runs. The token: --token or ${CONNECTION_VARIABLES.token}, else the
profile's token (or its tokenEnv), else the local stack's token for the command's role.
Profiles: ${CONNECTION_VARIABLES.profilesFile} or ~/.config/trading/profiles.json (see docs/cli.md).

${EXIT_CODE_HELP}`;
}
