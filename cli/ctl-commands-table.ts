/**
 * Every `ctl` command as data: its words, arguments, flags, the API role it needs and one line of
 * help. Argument parsing, connection resolution (which token to pick) and the help read it.
 */
import type { ParseArgsOptionsConfig } from 'node:util';
import type { ApiRole } from '../shared/api/api-roles.ts';

/** Every flag of every command; parseArgs rejects any other, the parser then those a command does not take. */
export const CTL_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  profile: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  reason: { type: 'string' },
  operator: { type: 'string' },
  limit: { type: 'string' },
  tif: { type: 'string' },
  all: { type: 'boolean' },
  closed: { type: 'boolean' },
  yes: { type: 'boolean' },
  config: { type: 'string' },
  risk: { type: 'string' },
  data: { type: 'string' },
  'ignore-env': { type: 'boolean' },
} as const satisfies ParseArgsOptionsConfig;
export type CtlFlag = keyof typeof CTL_OPTIONS;

/** Taken by every command. */
export const GLOBAL_FLAGS: readonly CtlFlag[] = ['json', 'help'];

export const COMMAND_NAMES = [
  'status',
  'ready',
  'positions',
  'orders',
  'pnl',
  'strategies',
  'strategies enable',
  'strategies disable',
  'buy',
  'sell',
  'close',
  'kill',
  'reset-breaker',
  'reconcile',
  'backup',
  'validate-config',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export interface CommandSpec {
  /** One word, or two for a subcommand (`strategies enable`). */
  readonly name: CommandName;
  readonly args: readonly string[];
  readonly optionalArgs?: readonly string[];
  readonly flags: readonly CtlFlag[];
  /** The role whose token the command needs; null: it does not call the engine's API. */
  readonly role: ApiRole | null;
  readonly summary: string;
}

const CONNECTION: readonly CtlFlag[] = ['url', 'token', 'profile'];
const ACTION: readonly CtlFlag[] = [...CONNECTION, 'reason', 'operator'];
const JOB: readonly CtlFlag[] = ['config', 'risk', 'data'];

const spec = (
  name: CommandName,
  role: ApiRole | null,
  flags: readonly CtlFlag[],
  summary: string,
  args: readonly string[] = [],
): CommandSpec => ({ name, role, flags, summary, args });

export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  status: spec(
    'status',
    'read',
    CONNECTION,
    'positions, working orders, P&L and breaker; exit 5 when not ready',
  ),
  ready: spec('ready', 'read', CONNECTION, 'readiness to trade and why not; exit 5 when not ready'),
  positions: spec('positions', 'read', CONNECTION, 'open positions, marked to the book'),
  orders: spec(
    'orders',
    'read',
    [...CONNECTION, 'all', 'closed'],
    "working orders; --closed the session's closed ones, --all every one",
  ),
  pnl: spec('pnl', 'read', CONNECTION, "the session's P&L and exposure"),
  strategies: spec('strategies', 'read', CONNECTION, 'strategies and whether each is enabled'),
  'strategies enable': spec(
    'strategies enable',
    'operator',
    ACTION,
    'enable a strategy (re-arms one risk latched)',
    ['ID'],
  ),
  'strategies disable': spec(
    'strategies disable',
    'operator',
    ACTION,
    'disable a strategy: no new decisions; its orders and positions stay',
    ['ID'],
  ),
  buy: spec(
    'buy',
    'operator',
    [...ACTION, 'limit', 'tif'],
    'a manual buy, through pre-trade risk; market unless --limit',
    ['SYMBOL', 'QTY'],
  ),
  sell: spec(
    'sell',
    'operator',
    [...ACTION, 'limit', 'tif'],
    'a manual sell, through pre-trade risk; market unless --limit',
    ['SYMBOL', 'QTY'],
  ),
  close: spec('close', 'operator', ACTION, "cancel a symbol's working orders, then flatten it", ['SYMBOL']),
  kill: spec(
    'kill',
    'operator',
    [...ACTION, 'yes'],
    'halt trading, cancel every order, flatten every position (asks on a terminal unless --yes)',
  ),
  'reset-breaker': spec('reset-breaker', 'admin', ACTION, 'reset a tripped circuit breaker: trading resumes'),
  reconcile: spec(
    'reconcile',
    'read',
    [...CONNECTION, ...JOB],
    "compare the engine's and the store's positions and orders with the broker's",
  ),
  backup: spec('backup', null, JOB, 'back up the tables and the config beside the data folder'),
  'validate-config': {
    ...spec('validate-config', null, ['ignore-env'], 'check a system config and its risk file', ['FILE']),
    optionalArgs: ['RISK_FILE'],
  },
};

/** The flag's value as the help shows it. */
export const FLAG_VALUES: Readonly<Partial<Record<CtlFlag, string>>> = {
  url: 'URL',
  token: 'TOKEN',
  profile: 'NAME',
  reason: 'TEXT',
  operator: 'NAME',
  limit: 'PRICE',
  tif: 'day|gtc|ioc',
  config: 'FILE',
  risk: 'FILE',
  data: 'FOLDER',
};
