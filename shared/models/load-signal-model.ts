/** Reads a manifest and the model file it names, and parses them (signal-model.ts). */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ModelError } from './model-error.ts';
import { parseSignalModel, type SignalModel } from './signal-model.ts';

/** Throws a ModelError naming the file and the problem when either file is unreadable or invalid. */
export function loadSignalModel(manifestPath: string): SignalModel {
  const manifest = readJsonFile(manifestPath);
  const file = (manifest as { file?: unknown } | null)?.file;
  const model = typeof file === 'string' ? readJsonFile(resolve(dirname(manifestPath), file)) : undefined;
  return parseSignalModel(manifest, model, manifestPath);
}

/** Reads and parses a JSON file, or throws a ModelError naming it. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new ModelError(path, [{ path: '', problem: `cannot read the file (${code})` }]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelError(path, [{ path: '', problem: `not valid JSON: ${(error as Error).message}` }]);
  }
}
