/**
 * The repository's Dockerfile read into stages and instructions, for the tests that hold the
 * image to its contract without Docker. It reads the instructions and forms that file uses
 * (line continuations, comment lines, flags, exec and shell forms, KEY=VALUE pairs) and throws
 * on anything else, so that a new form fails a test instead of being misread.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DOCKERFILE = join(import.meta.dirname, '../../Dockerfile');

export interface Instruction {
  /** Upper case, e.g. COPY. */
  readonly keyword: string;
  /** The rest of the logical line, continuations joined. */
  readonly args: string;
  /** 1-based line where the instruction starts. */
  readonly line: number;
}

export interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  /** The instructions after FROM, up to the next FROM. */
  readonly instructions: readonly Instruction[];
}

export type Command =
  | { readonly form: 'exec'; readonly argv: readonly string[] }
  | { readonly form: 'shell'; readonly text: string };

const KNOWN = new Set([
  'FROM',
  'ARG',
  'ENV',
  'WORKDIR',
  'COPY',
  'RUN',
  'USER',
  'EXPOSE',
  'HEALTHCHECK',
  'STOPSIGNAL',
  'CMD',
  'ENTRYPOINT',
  'LABEL',
]);

/** Logical lines: comment lines dropped (inside continuations too, as Docker does), `\` joined. */
export function parseInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    if (/^\s*#/.test(raw) || raw.trim() === '') return;
    const continued = /\\\s*$/.test(raw);
    const body = continued ? raw.replace(/\\\s*$/, '') : raw;
    pending =
      pending === undefined ? { text: body, line: index + 1 } : { ...pending, text: pending.text + body };
    if (continued) return;
    const match = /^\s*(\S+)\s*(.*)$/s.exec(pending.text)!;
    const keyword = match[1]!.toUpperCase();
    if (!KNOWN.has(keyword)) {
      throw new Error(
        `Dockerfile line ${pending.line}: ${keyword} is not read by test/support/dockerfile.ts`,
      );
    }
    instructions.push({ keyword, args: match[2]!.trim(), line: pending.line });
    pending = undefined;
  });
  if (pending !== undefined) throw new Error(`Dockerfile line ${pending.line}: continues past the end`);
  return instructions;
}

export function parseStages(text: string): Stage[] {
  const stages: { image: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const { rest } = splitFlags(instruction.args);
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (match === null) throw new Error(`Dockerfile line ${instruction.line}: FROM ${instruction.args}`);
      stages.push({ image: match[1]!, name: match[2], instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') {
        throw new Error(`Dockerfile line ${instruction.line}: ${instruction.keyword} before the first FROM`);
      }
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

export function readStages(file = DOCKERFILE): Stage[] {
  return parseStages(readFileSync(file, 'utf8'));
}

export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}

/** Leading `--name=value` flags, and what follows them. */
export function splitFlags(args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  const pattern = /--([a-z-]+)=(\S+)\s*/y;
  const text = args.trim();
  let end = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    flags[match[1]!] = match[2]!;
    end = pattern.lastIndex;
  }
  return { flags, rest: text.slice(end) };
}

/** CMD, ENTRYPOINT and HEALTHCHECK's command: a JSON array of strings, or shell form. */
export function parseCommand(args: string): Command {
  if (!args.startsWith('[')) return { form: 'shell', text: args };
  const argv: unknown = JSON.parse(args);
  if (!Array.isArray(argv) || !argv.every((item) => typeof item === 'string')) {
    throw new Error(`not a JSON array of strings: ${args}`);
  }
  return { form: 'exec', argv };
}

/** `ENV A=1 B="two words"`; the legacy `ENV A 1` form is refused. */
export function parseEnv(args: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  const pattern = /\s*([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/y;
  let end = 0;
  for (let match = pattern.exec(args); match !== null; match = pattern.exec(args)) {
    const value = match[2]!;
    pairs[match[1]!] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
    end = pattern.lastIndex;
  }
  if (args.slice(end).trim() !== '') throw new Error(`ENV ${args}: only KEY=VALUE pairs are read`);
  return pairs;
}

/** `ARG NAME` or `ARG NAME=default`. */
export function parseArg(args: string): { name: string; value: string | undefined } {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(args);
  if (match === null) throw new Error(`ARG ${args}: one NAME[=default] is read`);
  return { name: match[1]!, value: match[2] };
}

export function parseCopy(args: string): {
  flags: Record<string, string>;
  sources: string[];
  destination: string;
} {
  const { flags, rest } = splitFlags(args);
  const parts = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
  if (parts.length < 2) throw new Error(`COPY ${args}: needs a source and a destination`);
  return { flags, sources: parts.slice(0, -1), destination: parts.at(-1)! };
}

export function parseHealthcheck(args: string): {
  flags: Record<string, string>;
  command: Command | 'NONE';
} {
  const { flags, rest } = splitFlags(args);
  if (rest.toUpperCase() === 'NONE') return { flags, command: 'NONE' };
  const match = /^CMD\s+(.*)$/is.exec(rest);
  if (match === null) throw new Error(`HEALTHCHECK ${args}: expected CMD or NONE`);
  return { flags, command: parseCommand(match[1]!) };
}

/** Docker's durations as HEALTHCHECK takes them: 30s, 1m30s, 500ms. */
export function durationMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) {
    throw new Error(`not a duration: ${text}`);
  }
  return parts.reduce((total, part) => total + Number(part[1]) * units[part[2]!]!, 0);
}
