/**
 * node scripts/stack-outputs.ts ENVIRONMENT FILE
 *
 * The deploy jobs' check after `cdk deploy --outputs-file FILE`: prints the deployed stacks'
 * outputs as a Markdown table (the workflow appends it to the run's summary) and fails when the
 * file names a stack outside the environment (`Trading-<environment>` or
 * `Trading-<environment>-…`), a sign the deploy selected another environment's stacks. The CLI
 * writes only stacks that have outputs, so a stack missing from the file says nothing.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const USAGE = 'usage: node scripts/stack-outputs.ts ENVIRONMENT FILE';

const outputsFileSchema = z.record(z.string(), z.record(z.string(), z.string()));
export type StackOutputs = z.infer<typeof outputsFileSchema>;

/** Throws an Error that says what is wrong with the file's text. */
export function parseStackOutputs(text: string): StackOutputs {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`);
  }
  const parsed = outputsFileSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(`not a map of stack names to their outputs: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function stacksOutside(outputs: StackOutputs, environment: string): string[] {
  const stackName = `Trading-${environment}`;
  return Object.keys(outputs).filter((name) => name !== stackName && !name.startsWith(`${stackName}-`));
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function formatStackOutputs(outputs: StackOutputs, environment: string): string {
  const rows = Object.entries(outputs).flatMap(([stack, values]) =>
    Object.entries(values).map(([name, value]) => `| ${cell(stack)} | ${cell(name)} | ${cell(value)} |`),
  );
  const heading = `### Stack outputs of ${environment}`;
  if (rows.length === 0) return `${heading}\n\nNo stack of ${environment} declares outputs.\n`;
  return [heading, '', '| stack | output | value |', '|---|---|---|', ...rows, ''].join('\n');
}

function main(args: readonly string[]): number {
  const [environment, file] = args;
  if (args.length !== 2 || environment === undefined || file === undefined) {
    console.error(USAGE);
    return 2;
  }
  let outputs: StackOutputs;
  try {
    outputs = parseStackOutputs(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`${file}: ${(error as Error).message}`);
    return 1;
  }
  process.stdout.write(formatStackOutputs(outputs, environment));
  const outside = stacksOutside(outputs, environment);
  if (outside.length > 0) {
    console.error(`the ${environment} deploy reported stacks of another environment: ${outside.join(', ')}`);
    return 1;
  }
  return 0;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
