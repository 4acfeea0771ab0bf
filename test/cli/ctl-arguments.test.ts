import { describe, expect, it } from 'vitest';
import { parseCtlArguments } from '../../cli/ctl-arguments.ts';
import { COMMANDS } from '../../cli/ctl-commands-table.ts';
import { UsageError } from '../../cli/errors.ts';

const NO_FLAGS = { json: false, all: false, closed: false, yes: false, 'ignore-env': false };

function usageError(argv: string[]): string {
  try {
    parseCtlArguments(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`${argv.join(' ')} parsed`);
}

describe('Function: parseCtlArguments', () => {
  it('reads a buy with its arguments by name and its flags', () => {
    expect(
      parseCtlArguments([
        'buy',
        'AAPL',
        '3',
        '--limit',
        '187.5',
        '--tif',
        'gtc',
        '--reason',
        'rebalance',
        '--json',
      ]),
    ).toStrictEqual({
      kind: 'run',
      invocation: {
        command: COMMANDS.buy,
        args: { SYMBOL: 'AAPL', QTY: '3' },
        flags: { ...NO_FLAGS, json: true, limit: '187.5', tif: 'gtc', reason: 'rebalance' },
      },
    });
  });

  it('reads a two-word command before the one-word command it starts with', () => {
    expect(parseCtlArguments(['strategies', 'disable', 'momentum', '--reason', 'news'])).toStrictEqual({
      kind: 'run',
      invocation: {
        command: COMMANDS['strategies disable'],
        args: { ID: 'momentum' },
        flags: { ...NO_FLAGS, reason: 'news' },
      },
    });
    expect(parseCtlArguments(['strategies'])).toStrictEqual({
      kind: 'run',
      invocation: { command: COMMANDS.strategies, args: {}, flags: NO_FLAGS },
    });
  });

  it('takes an optional argument when given', () => {
    expect(parseCtlArguments(['validate-config', 'a.json', 'b.toml', '--ignore-env'])).toStrictEqual({
      kind: 'run',
      invocation: {
        command: COMMANDS['validate-config'],
        args: { FILE: 'a.json', RISK_FILE: 'b.toml' },
        flags: { ...NO_FLAGS, 'ignore-env': true },
      },
    });
  });

  it('answers --help with the help of the command named, or of all', () => {
    expect(parseCtlArguments(['--help'])).toStrictEqual({ kind: 'help', command: undefined });
    expect(parseCtlArguments(['kill', '-h'])).toStrictEqual({ kind: 'help', command: COMMANDS.kill });
  });

  it.each([
    [[], 'name a command'],
    [['rebalance'], 'unknown command "rebalance"'],
    [['status', '--bogus'], "Unknown option '--bogus'"],
    [['status', '--limit', '3'], 'status does not take --limit'],
    [['positions', '--yes', '--reason', 'x'], 'positions does not take --yes, --reason'],
    [['buy', 'AAPL'], 'buy needs QTY'],
    [['close', 'AAPL', 'MSFT', '--reason', 'flat'], 'unexpected argument to close: MSFT'],
    [['kill'], 'kill needs --reason TEXT: say why, for the audit log'],
    [
      ['reset-breaker', '--operator', 'alice'],
      'reset-breaker needs --reason TEXT: say why, for the audit log',
    ],
    [['orders', '--all', '--closed'], '--all and --closed exclude each other'],
    [
      ['status', '--url', 'http://127.0.0.1:1', '--profile', 'prod'],
      '--url and --profile exclude each other',
    ],
    [['status', '--json=yes'], "Option '--json' does not take an argument"],
  ])('refuses %j: %s', (argv, message) => {
    expect(usageError(argv)).toBe(message);
  });
});
