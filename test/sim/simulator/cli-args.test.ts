import { describe, expect, it } from 'vitest';
import { parseSimulatorArgs } from '../../../sim/cli/simulator-args.ts';

describe('simulator command line', () => {
  it('parses every flag', () => {
    expect(
      parseSimulatorArgs([
        '--port',
        '9000',
        '--seed',
        '42',
        '--symbols',
        'aapl,BTC/USD,ETHUSD',
        '--rate',
        '5000',
        '--key-id',
        'K',
        '--secret-key',
        'S',
        '--nyse-hours',
        '--latency-ms',
        '15',
      ]),
    ).toStrictEqual({
      kind: 'run',
      options: {
        port: 9000,
        seed: 42,
        latencyMs: 15,
        messagesPerSecond: 5000,
        symbols: ['AAPL', 'BTC/USD', 'ETH/USD'],
        keyId: 'K',
        secretKey: 'S',
        sessionHours: 'nyse',
      },
    });
    expect(parseSimulatorArgs([])).toStrictEqual({ kind: 'run', options: {} });
    expect(parseSimulatorArgs(['--help'])).toStrictEqual({ kind: 'help' });
  });

  it('reports every problem at once, by flag', () => {
    const parsed = parseSimulatorArgs([
      '--port',
      '70000',
      '--seed',
      '1.5',
      '--rate',
      '0',
      '--symbols',
      'a$b',
      '--key-id',
      'K',
    ]);
    expect(parsed.kind).toBe('invalid');
    const problems = parsed.kind === 'invalid' ? parsed.problems.join('\n') : '';
    for (const flag of ['--port', '--seed', '--rate', '--symbols', '--key-id and --secret-key'])
      expect(problems).toContain(flag);
  });

  it('refuses unknown flags and positional arguments', () => {
    expect(parseSimulatorArgs(['--prot', '1']).kind).toBe('invalid');
    expect(parseSimulatorArgs(['9000']).kind).toBe('invalid');
  });

  it('never echoes a secret in a problem', () => {
    const parsed = parseSimulatorArgs(['--secret-key', 'TOPSECRET']);
    expect(parsed.kind === 'invalid' && parsed.problems.join(' ')).not.toContain('TOPSECRET');
  });
});
