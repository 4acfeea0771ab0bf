/**
 * Writes docs/api/openapi.json, the engine API's OpenAPI 3.1 document, from the route definitions:
 * npm run openapi. A test fails when the file and the code differ.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { engineApiDocument } from '../engine/api/engine-api.ts';

export const OPENAPI_FILE = join(import.meta.dirname, '../docs/api/openapi.json');

if (process.argv[1] === import.meta.filename) {
  mkdirSync(dirname(OPENAPI_FILE), { recursive: true });
  writeFileSync(OPENAPI_FILE, `${JSON.stringify(engineApiDocument(), null, 2)}\n`);
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}
