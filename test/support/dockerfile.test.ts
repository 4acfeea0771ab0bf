/**
 * The Dockerfile reader the image tests stand on: Docker's line rules, the forms it reads, and a
 * refusal of what it does not read.
 */
import { describe, expect, it } from 'vitest';
import {
  durationMs,
  parseCommand,
  parseCopy,
  parseEnv,
  parseHealthcheck,
  parseInstructions,
  parseStages,
} from './dockerfile.ts';

describe('Reader: Dockerfile', () => {
  it('joins continued lines, drops comment lines even inside them, and keeps each start line', () => {
    const text = [
      '# syntax and other comments',
      'FROM node:24.1.0-bookworm-slim AS build',
      '',
      'RUN npm ci \\',
      '  # not part of the command',
      '  --omit=dev',
      'run echo # this one is',
    ].join('\n');
    expect(parseInstructions(text)).toStrictEqual([
      { keyword: 'FROM', args: 'node:24.1.0-bookworm-slim AS build', line: 2 },
      { keyword: 'RUN', args: 'npm ci   --omit=dev', line: 4 },
      { keyword: 'RUN', args: 'echo # this one is', line: 7 },
    ]);
  });

  it('splits stages at FROM, with their names', () => {
    const stages = parseStages('FROM a:1.2.3 AS deps\nRUN x\nFROM b:4.5.6\nUSER node\n');
    expect(stages.map(({ image, name, instructions }) => [image, name, instructions.length])).toStrictEqual([
      ['a:1.2.3', 'deps', 1],
      ['b:4.5.6', undefined, 1],
    ]);
  });

  it('reads exec and shell forms, flags, and KEY=VALUE pairs', () => {
    expect(parseCommand('["node", "main.ts"]')).toStrictEqual({ form: 'exec', argv: ['node', 'main.ts'] });
    expect(parseCommand('node main.ts')).toStrictEqual({ form: 'shell', text: 'node main.ts' });
    expect(parseHealthcheck('--interval=1m30s --retries=2 CMD ["true"]')).toStrictEqual({
      flags: { interval: '1m30s', retries: '2' },
      command: { form: 'exec', argv: ['true'] },
    });
    expect(parseHealthcheck('NONE')).toStrictEqual({ flags: {}, command: 'NONE' });
    expect(parseCopy('--from=deps /app/node_modules ./node_modules')).toStrictEqual({
      flags: { from: 'deps' },
      sources: ['/app/node_modules'],
      destination: './node_modules',
    });
    expect(parseEnv('A=1 B="two words" C=')).toStrictEqual({ A: '1', B: 'two words', C: '' });
    expect(durationMs('1m30s')).toBe(90_000);
  });

  it.each([
    ['an instruction it does not read', 'ADD https://example.com/x /x', /ADD is not read/],
    ['a continuation at the end', 'RUN a \\', /continues past the end/],
    ['an instruction before FROM', 'RUN a', /RUN before the first FROM/],
  ])('refuses %s', (_case, text, message) => {
    expect(() => parseStages(text)).toThrow(message);
  });

  it('refuses the legacy ENV form and a malformed duration', () => {
    expect(() => parseEnv('A two words')).toThrow(/only KEY=VALUE pairs/);
    expect(() => durationMs('30 s')).toThrow(/not a duration/);
  });
});
