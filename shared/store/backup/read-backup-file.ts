/**
 * Reads and checks a whole table backup file before anything is restored from it: the gzip
 * stream is complete, the header is one this version writes, every line is an item of a known
 * table with its key attributes, no key appears twice, and each table holds the count the header
 * promises. Every problem is reported as `FILE:line: what is wrong`, all at once.
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { TABLE_IDS } from '../create-tables.ts';
import { keyAttributes, TABLE_DEFINITIONS, type TableId } from '../table-definitions.ts';
import { type DynamoItem, itemFromJson } from './attribute-json.ts';
import { type BackupHeader, backupHeaderSchema, definitionsJson } from './backup-format.ts';

const gunzipAsync = promisify(gunzip);
/** Enough to see what is wrong without flooding the terminal with a million copies of it. */
const MAX_PROBLEMS = 20;

export class BackupFileError extends Error {
  override readonly name = 'BackupFileError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

export interface BackupContents {
  readonly file: string;
  readonly header: BackupHeader;
  readonly items: ReadonlyMap<TableId, readonly DynamoItem[]>;
}

export async function readBackupFile(file: string): Promise<BackupContents> {
  let compressed: Buffer;
  try {
    compressed = await readFile(file);
  } catch (error) {
    throw new BackupFileError([`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code})`]);
  }
  let data: Buffer;
  try {
    data = await gunzipAsync(compressed);
  } catch (error) {
    throw new BackupFileError([
      `${file}: not a complete gzip file (${(error as Error).message}); the backup is cut off or not a backup`,
    ]);
  }
  return parseBackup(file, data);
}

function parseBackup(file: string, data: Buffer): BackupContents {
  const problems: string[] = [];
  let omitted = 0;
  const problem = (line: number | null, what: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(`${file}${line === null ? '' : `:${line}`}: ${what}`);
    else omitted += 1;
  };
  const items = new Map<TableId, DynamoItem[]>(TABLE_IDS.map((id) => [id, []]));
  const keysSeen = new Map<string, number>();
  let header: BackupHeader | undefined;
  let lineNumber = 0;
  for (let start = 0; start < data.length; ) {
    const end = data.indexOf(0x0a, start);
    const text = data.toString('utf8', start, end === -1 ? data.length : end);
    start = end === -1 ? data.length : end + 1;
    lineNumber += 1;
    if (lineNumber === 1) {
      header = readHeader(text, (what) => problem(1, what));
      continue;
    }
    const line = readLine(text);
    if (typeof line === 'string') {
      problem(lineNumber, line);
      continue;
    }
    const key = `${line.table}\u0000${primaryKey(line.table, line.item)}`;
    const first = keysSeen.get(key);
    if (first !== undefined) {
      problem(lineNumber, `${line.table} item with the same key as line ${first}`);
      continue;
    }
    keysSeen.set(key, lineNumber);
    items.get(line.table)!.push(line.item);
  }
  if (lineNumber === 0) problem(null, 'the file is empty (no header line)');
  if (header !== undefined) {
    for (const id of TABLE_IDS) {
      const expected = header.tables[id].items;
      const found = items.get(id)!.length;
      if (expected !== found)
        problem(
          null,
          `the header counts ${expected} ${id} items, the file holds ${found} (cut off or edited)`,
        );
    }
  }
  if (omitted > 0) problems.push(`${file}: … and ${omitted} more problems`);
  if (problems.length > 0 || header === undefined) throw new BackupFileError(problems);
  return { file, header, items };
}

function readHeader(text: string, problem: (what: string) => void): BackupHeader | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    problem('the header line is not JSON (is this a table backup file?)');
    return undefined;
  }
  const parsed = backupHeaderSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'header'}: ${issue.message}`,
    );
    problem(`not a table backup header this version reads: ${issues.join('; ')}`);
    return undefined;
  }
  if (JSON.stringify(parsed.data.definitions) !== JSON.stringify(definitionsJson())) {
    problem(
      'the backed-up tables were defined differently (keys or indexes) from the tables this version creates; restore with the version that wrote the file',
    );
    return undefined;
  }
  return parsed.data;
}

/** The line's table and decoded item, or what is wrong with it. */
function readLine(text: string): { table: TableId; item: DynamoItem } | string {
  if (text.trim() === '') return 'empty line';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return 'not an object {"table":…,"item":…}';
  const { table, item, ...rest } = json as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) return `unexpected keys ${extra.join(', ')}; a line holds only table and item`;
  if (typeof table !== 'string' || !(TABLE_IDS as string[]).includes(table))
    return `table must be one of ${TABLE_IDS.join(', ')}, not ${JSON.stringify(table)}`;
  const id = table as TableId;
  let decoded: DynamoItem;
  try {
    decoded = itemFromJson(item);
  } catch (error) {
    return `${id} item: ${(error as Error).message}`;
  }
  const definition = TABLE_DEFINITIONS[id];
  const required = [definition.partitionKey, definition.sortKey].flatMap((key) => (key ? [key.name] : []));
  for (const name of required)
    if (decoded[name] === undefined) return `${id} item has no key attribute ${name}`;
  for (const key of keyAttributes(definition)) {
    const value = decoded[key.name];
    if (value !== undefined && value[key.type] === undefined)
      return `${id} item's key attribute ${key.name} must be of type ${key.type}`;
  }
  return { table: id, item: decoded };
}

function primaryKey(table: TableId, item: DynamoItem): string {
  const definition = TABLE_DEFINITIONS[table];
  return [definition.partitionKey, definition.sortKey]
    .flatMap((key) => (key ? [JSON.stringify(item[key.name])] : []))
    .join('\u0000');
}
