/**
 * A command's flags, strictly: an unknown flag, a flag missing its value or a stray positional is
 * the one problem returned, as a value for the command to print with its usage, never a throw.
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

export type FlagValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

export function parseFlags(
  argv: readonly string[],
  options: ParseArgsOptionsConfig,
): { readonly values: FlagValues } | { readonly problem: string } {
  try {
    return { values: parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values };
  } catch (error) {
    // parseArgs names the offending flag; its message never quotes a flag's value.
    return { problem: (error as Error).message };
  }
}
