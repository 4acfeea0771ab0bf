import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../bench/run.ts';

describe('Module: bench command line', () => {
  it('defaults to one run of every benchmark as a table', () => {
    expect(parseBenchArgs([])).toEqual({ help: false, json: false, scale: 1, repeat: 1, filters: [] });
  });

  it('reads --repeat with the other options and the name filters', () => {
    expect(parseBenchArgs(['--repeat', '5', '--json', '--scale', '0.5', 'book.', 'config.'])).toEqual({
      help: false,
      json: true,
      scale: 0.5,
      repeat: 5,
      filters: ['book.', 'config.'],
    });
    expect(parseBenchArgs(['--repeat=3']).repeat).toBe(3);
  });

  it.each(['0', '-1', '1.5', 'x', ''])('refuses --repeat %j, naming the value', (value) => {
    const message = `--repeat must be a whole number of at least 1, got ${JSON.stringify(value)}`;
    expect(() => parseBenchArgs(['--repeat', value])).toThrow(message);
    expect(() => parseBenchArgs([`--repeat=${value}`])).toThrow(message);
  });

  it('refuses --repeat without a value, and a bad --scale', () => {
    expect(() => parseBenchArgs(['--repeat'])).toThrow("Option '--repeat <value>' argument missing");
    expect(() => parseBenchArgs(['--scale', '-2'])).toThrow('--scale must be a positive number, got "-2"');
  });

  it('leaves arguments after -- as name filters', () => {
    expect(parseBenchArgs(['--', '--repeat', '0']).filters).toEqual(['--repeat', '0']);
  });
});
