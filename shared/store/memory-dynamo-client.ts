/**
 * An in-memory stand-in for the DynamoDB document client, for runs with no I/O (the deterministic
 * simulation harness, simtest/). It answers exactly the commands DynamoStore and DynamoLeaseStore
 * send, with DynamoDB's semantics for them, and refuses anything else with an error naming what is
 * missing, so a new use shows up as a failure rather than a silent difference:
 *
 * - PutCommand, with an optional ConditionExpression;
 * - GetCommand (every read is consistent: one copy of the data);
 * - UpdateCommand with `SET a = :x, b = :y` (an upsert, as in DynamoDB), an optional
 *   ConditionExpression and ReturnValues NONE or ALL_NEW;
 * - QueryCommand on the table or a global index (sparse: items without the index key are not in
 *   it) with `pk = :v` or `pk = :v AND sk BETWEEN :a AND :b`, sorted by the sort key's UTF-8 bytes,
 *   Limit and ExclusiveStartKey;
 * - BatchWriteCommand with PutRequest and DeleteRequest, at most 25, no two on one key.
 *
 * Condition expressions: comparisons (= <> < <= > >=), attribute_exists, attribute_not_exists,
 * AND, OR, NOT and parentheses, over `#name` placeholders or plain names and `:value` placeholders;
 * a comparison of a missing attribute or of two types is false, as in DynamoDB. A failed condition
 * throws ConditionalCheckFailedException, like the SDK's service errors with `$metadata`.
 *
 * Faults are opt-in per request (`fault`): throttling (ProvisionedThroughputExceededException, 400),
 * an InternalServerError (500) before the request takes effect or after it did, latency on the
 * given timers, and a batch's items left unprocessed. test/shared/store/memory-dynamo-contract.test.ts
 * runs the same operations here and against dynalite and compares the answers.
 */
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Timers } from '../time/timers.ts';
import type { TableDefinition } from './table-definitions.ts';

type Item = Record<string, unknown>;

export type MemoryDynamoCommand = 'Put' | 'Get' | 'Update' | 'Query' | 'BatchWrite';

export interface MemoryDynamoRequest {
  readonly command: MemoryDynamoCommand;
  /** The table (for a batch, the first table it writes). */
  readonly table: string;
}

export type MemoryDynamoFault =
  | { readonly kind: 'throttle' }
  /** A 500: `before` it takes effect, or `after` (the write happened, the answer is lost). */
  | { readonly kind: 'internal'; readonly when: 'before' | 'after' }
  /** The answer comes this much later on the timers (the effect happens at once). */
  | { readonly kind: 'latency'; readonly ms: number }
  /** A batch write leaves every item after the first `processed` unprocessed. */
  | { readonly kind: 'unprocessed'; readonly processed: number };

export interface MemoryDynamoOptions {
  /** Table name → its definition (key schema and indexes). */
  readonly tables: Readonly<Record<string, TableDefinition>>;
  /** For latency faults. */
  readonly timers?: Timers;
  /** Asked once per request; null or undefined: no fault. */
  readonly fault?: (request: MemoryDynamoRequest) => MemoryDynamoFault | null | undefined;
}

/** An error shaped like the SDK's service exceptions: a name, a message and `$metadata`. */
export class MemoryDynamoError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { readonly httpStatusCode: number };

  constructor(name: string, message: string, httpStatusCode: number) {
    super(message);
    this.name = name;
    this.$fault = httpStatusCode >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode };
  }
}

const MAX_BATCH_ITEMS = 25;

interface Table {
  readonly definition: TableDefinition;
  /** Items by their encoded primary key. */
  readonly items: Map<string, Item>;
}

export class MemoryDynamoClient {
  readonly #tables = new Map<string, Table>();
  readonly #options: MemoryDynamoOptions;

  constructor(options: MemoryDynamoOptions) {
    this.#options = options;
    for (const [name, definition] of Object.entries(options.tables))
      this.#tables.set(name, { definition, items: new Map() });
  }

  /** Typed as the SDK's client, for DynamoStore and DynamoLeaseStore; only `send` is used. */
  asDocumentClient(): DynamoDBDocumentClient {
    return this as unknown as DynamoDBDocumentClient;
  }

  /** Every item of a table, in key order: for tests and invariant checks, not for the stores. */
  scan(table: string): Item[] {
    return [...this.#table(table).items.values()].map((item) => structuredClone(item));
  }

  destroy(): void {}

  async send(command: unknown): Promise<Record<string, unknown>> {
    const { name, input } = commandOf(command);
    checkPlaceholdersUsed(input);
    const table =
      name === 'BatchWrite'
        ? (Object.keys((input.RequestItems as Record<string, unknown>) ?? {})[0] ?? '')
        : String(input.TableName);
    const fault = this.#options.fault?.({ command: name, table }) ?? null;
    if (fault?.kind === 'throttle')
      throw new MemoryDynamoError(
        'ProvisionedThroughputExceededException',
        'The level of configured provisioned throughput for the table was exceeded.',
        400,
      );
    if (fault?.kind === 'internal' && fault.when === 'before')
      throw new MemoryDynamoError('InternalServerError', 'Internal server error', 500);
    const output = this.#run(name, input, fault?.kind === 'unprocessed' ? fault.processed : undefined);
    if (fault?.kind === 'internal')
      throw new MemoryDynamoError('InternalServerError', 'Internal server error', 500);
    if (fault?.kind === 'latency') {
      const timers = this.#options.timers;
      if (timers === undefined) throw new Error('a latency fault needs the client built with timers');
      await new Promise<void>((resolve) => timers.setTimeout(resolve, fault.ms));
    }
    return output;
  }

  #run(name: MemoryDynamoCommand, input: Item, processed: number | undefined): Record<string, unknown> {
    switch (name) {
      case 'Put':
        return this.#put(input);
      case 'Get':
        return this.#get(input);
      case 'Update':
        return this.#update(input);
      case 'Query':
        return this.#query(input);
      case 'BatchWrite':
        return this.#batchWrite(input, processed);
    }
  }

  #table(name: string): Table {
    const table = this.#tables.get(name);
    if (table === undefined)
      throw new MemoryDynamoError('ResourceNotFoundException', 'Requested resource not found', 400);
    return table;
  }

  #put(input: Item): Record<string, unknown> {
    const table = this.#table(String(input.TableName));
    const item = structuredClone(input.Item as Item);
    const key = keyOf(table.definition, item);
    checkCondition(input, table.items.get(key));
    table.items.set(key, item);
    return {};
  }

  #get(input: Item): Record<string, unknown> {
    const table = this.#table(String(input.TableName));
    const item = table.items.get(keyOf(table.definition, input.Key as Item, true));
    return item === undefined ? {} : { Item: structuredClone(item) };
  }

  #update(input: Item): Record<string, unknown> {
    const table = this.#table(String(input.TableName));
    const keyItem = input.Key as Item;
    const key = keyOf(table.definition, keyItem, true);
    const current = table.items.get(key);
    checkCondition(input, current);
    const next: Item = structuredClone(current ?? keyItem);
    const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
    const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
    for (const [path, value] of parseSetExpression(String(input.UpdateExpression))) {
      const attribute = resolveName(path, names);
      if (attribute === table.definition.partitionKey.name || attribute === table.definition.sortKey?.name)
        throw validation(`Cannot update attribute ${attribute}. This attribute is part of the key`);
      if (!(value in values))
        throw validation(`An expression attribute value used in expression is not defined: ${value}`);
      next[attribute] = structuredClone(values[value]);
    }
    table.items.set(key, next);
    return input.ReturnValues === 'ALL_NEW' ? { Attributes: structuredClone(next) } : {};
  }

  #query(input: Item): Record<string, unknown> {
    const table = this.#table(String(input.TableName));
    const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
    const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
    const indexName = input.IndexName as string | undefined;
    const index =
      indexName === undefined
        ? { partitionKey: table.definition.partitionKey, sortKey: table.definition.sortKey }
        : table.definition.globalIndexes.find((candidate) => candidate.indexName === indexName);
    if (index === undefined) throw validation(`The table does not have the specified index: ${indexName}`);
    if (indexName !== undefined && input.ConsistentRead === true)
      throw validation('Consistent reads are not supported on global secondary indexes');
    const condition = parseKeyCondition(String(input.KeyConditionExpression), names, values);
    if (condition.partition.name !== index.partitionKey.name)
      throw validation('Query condition missed key schema element');
    const sortName = index.sortKey?.name;
    if (condition.range !== undefined && condition.range.name !== sortName)
      throw validation('Query condition missed key schema element');
    let matches = [...table.items.values()].filter((item) => {
      if (!sameValue(item[condition.partition.name], condition.partition.value)) return false;
      if (condition.range === undefined) return true;
      const sort = item[condition.range.name];
      return compare(sort, condition.range.from) >= 0 && compare(sort, condition.range.to) <= 0;
    });
    if (sortName !== undefined) matches.sort((a, b) => compare(a[sortName], b[sortName]));
    const start = input.ExclusiveStartKey as Item | undefined;
    if (start !== undefined) {
      const after = matches.findIndex((item) => sameKey(table.definition, item, start));
      matches = after < 0 ? [] : matches.slice(after + 1);
    }
    const limit = input.Limit as number | undefined;
    const page = limit === undefined ? matches : matches.slice(0, limit);
    const output: Record<string, unknown> = {
      Items: page.map((item) => structuredClone(item)),
      Count: page.length,
      ScannedCount: page.length,
    };
    if (limit !== undefined && page.length === limit && page.length > 0) {
      const last = page.at(-1)!;
      output.LastEvaluatedKey = lastEvaluatedKey(table.definition, index, last);
    }
    return output;
  }

  #batchWrite(input: Item, processed: number | undefined): Record<string, unknown> {
    const requests = (input.RequestItems ?? {}) as Record<string, Item[]>;
    const all: { table: Table; tableName: string; request: Item; key: string }[] = [];
    for (const [tableName, entries] of Object.entries(requests)) {
      const table = this.#table(tableName);
      for (const request of entries) {
        const put = request.PutRequest as { Item: Item } | undefined;
        const del = request.DeleteRequest as { Key: Item } | undefined;
        if (put === undefined && del === undefined)
          throw validation('A write request must be a put or a delete');
        all.push({
          table,
          tableName,
          request,
          key: keyOf(table.definition, put?.Item ?? (del?.Key as Item), del !== undefined),
        });
      }
    }
    if (all.length === 0 || all.length > MAX_BATCH_ITEMS)
      throw validation(`Member must have length less than or equal to ${MAX_BATCH_ITEMS}`);
    const keys = new Set(all.map(({ tableName, key }) => `${tableName}\u0000${key}`));
    if (keys.size !== all.length) throw validation('Provided list of item keys contains duplicates');
    const unprocessed: Record<string, Item[]> = {};
    all.forEach(({ table, tableName, request, key }, position) => {
      if (processed !== undefined && position >= processed) {
        const left = unprocessed[tableName] ?? [];
        left.push(structuredClone(request));
        unprocessed[tableName] = left;
        return;
      }
      const put = request.PutRequest as { Item: Item } | undefined;
      if (put !== undefined) table.items.set(key, structuredClone(put.Item));
      else table.items.delete(key);
    });
    return { UnprocessedItems: unprocessed };
  }
}

function commandOf(command: unknown): { name: MemoryDynamoCommand; input: Item } {
  const input = (command as { input?: Item }).input ?? {};
  if (command instanceof PutCommand) return { name: 'Put', input };
  if (command instanceof GetCommand) return { name: 'Get', input };
  if (command instanceof UpdateCommand) return { name: 'Update', input };
  if (command instanceof QueryCommand) return { name: 'Query', input };
  if (command instanceof BatchWriteCommand) return { name: 'BatchWrite', input };
  const name = (command as { constructor?: { name?: string } }).constructor?.name ?? typeof command;
  throw new Error(`MemoryDynamoClient does not support ${name}`);
}

/** DynamoDB refuses a name or value placeholder that none of the request's expressions uses. */
function checkPlaceholdersUsed(input: Item): void {
  const expressions = [input.ConditionExpression, input.UpdateExpression, input.KeyConditionExpression]
    .filter((expression): expression is string => typeof expression === 'string')
    .join(' ');
  const used = new Set(expressions.match(/[#:]\w+/g) ?? []);
  const names = Object.keys((input.ExpressionAttributeNames ?? {}) as object);
  const values = Object.keys((input.ExpressionAttributeValues ?? {}) as object);
  const unused = [...names, ...values].filter((placeholder) => !used.has(placeholder));
  if (unused.length > 0)
    throw validation(
      `Value provided in ExpressionAttributeNames or ExpressionAttributeValues unused in expressions: ${unused.join(', ')}`,
    );
}

function validation(message: string): MemoryDynamoError {
  return new MemoryDynamoError('ValidationException', message, 400);
}

/** The item's primary key as one string; a key must be given exactly (no extra attributes) when `exact`. */
function keyOf(definition: TableDefinition, item: Item, exact = false): string {
  const names = [definition.partitionKey, ...(definition.sortKey === undefined ? [] : [definition.sortKey])];
  if (exact && Object.keys(item).length !== names.length)
    throw validation('The provided key element does not match the schema');
  return names
    .map(({ name, type }) => {
      const value = item[name];
      const ok = type === 'S' ? typeof value === 'string' && value !== '' : typeof value === 'number';
      if (!ok) throw validation('One or more parameter values were invalid: missing or mistyped key');
      return `${type}:${String(value)}`;
    })
    .join('\u0000');
}

function sameKey(definition: TableDefinition, item: Item, key: Item): boolean {
  const names = [definition.partitionKey.name, definition.sortKey?.name].filter((n) => n !== undefined);
  return names.every((name) => sameValue(item[name], key[name]));
}

function lastEvaluatedKey(
  definition: TableDefinition,
  index: { partitionKey: { name: string }; sortKey?: { name: string } | undefined },
  item: Item,
): Item {
  const names = new Set(
    [
      definition.partitionKey.name,
      definition.sortKey?.name,
      index.partitionKey.name,
      index.sortKey?.name,
    ].filter((name): name is string => name !== undefined),
  );
  return Object.fromEntries([...names].map((name) => [name, item[name]]));
}

function sameValue(a: unknown, b: unknown): boolean {
  return a !== undefined && b !== undefined && typeof a === typeof b && compare(a, b) === 0;
}

const utf8 = new TextEncoder();

/** DynamoDB's order: numbers by value, strings by their UTF-8 bytes; NaN for anything else. */
function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(utf8.encode(a), utf8.encode(b));
  if (typeof a === 'boolean' && typeof b === 'boolean' && a === b) return 0;
  if (a === null && b === null) return 0;
  return Number.NaN;
}

function resolveName(token: string, names: Record<string, string>): string {
  if (!token.startsWith('#')) return token;
  const name = names[token];
  if (name === undefined)
    throw validation(`An expression attribute name used in the document path is not defined: ${token}`);
  return name;
}

function parseSetExpression(expression: string): [string, string][] {
  const match = /^\s*SET\s+(.+)$/i.exec(expression);
  if (match === null) throw new Error(`MemoryDynamoClient supports only SET updates, not: ${expression}`);
  return match[1]!.split(',').map((assignment) => {
    const parts = /^\s*(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)\s*$/.exec(assignment);
    if (parts === null)
      throw new Error(`MemoryDynamoClient supports only "name = :value" in SET, not: ${assignment}`);
    return [parts[1]!, parts[2]!];
  });
}

interface KeyCondition {
  readonly partition: { readonly name: string; readonly value: unknown };
  readonly range?: { readonly name: string; readonly from: unknown; readonly to: unknown };
}

function parseKeyCondition(
  expression: string,
  names: Record<string, string>,
  values: Record<string, unknown>,
): KeyCondition {
  const value = (token: string): unknown => {
    if (!(token in values))
      throw validation(`An expression attribute value used in expression is not defined: ${token}`);
    return values[token];
  };
  const match = /^\s*(#?\w+)\s*=\s*(:\w+)\s*(?:AND\s+(#?\w+)\s+BETWEEN\s+(:\w+)\s+AND\s+(:\w+)\s*)?$/i.exec(
    expression,
  );
  if (match === null) throw new Error(`MemoryDynamoClient does not support the key condition: ${expression}`);
  const partition = { name: resolveName(match[1]!, names), value: value(match[2]!) };
  if (match[3] === undefined) return { partition };
  const from = value(match[4]!);
  const to = value(match[5]!);
  if (compare(from, to) > 0)
    throw validation(
      'Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound',
    );
  return { partition, range: { name: resolveName(match[3]!, names), from, to } };
}

function checkCondition(input: Item, current: Item | undefined): void {
  const expression = input.ConditionExpression as string | undefined;
  if (expression === undefined) return;
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  if (!evaluateCondition(expression, current ?? {}, names, values))
    throw new MemoryDynamoError('ConditionalCheckFailedException', 'The conditional request failed', 400);
}

/** Evaluates a condition expression against an item (an absent item is `{}`). */
export function evaluateCondition(
  expression: string,
  item: Item,
  names: Record<string, string>,
  values: Record<string, unknown>,
): boolean {
  const tokens = expression.match(/\(|\)|,|<>|<=|>=|=|<|>|[#:]?\w+/g) ?? [];
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const take = (expected?: string): string => {
    const token = tokens[at++];
    if (token === undefined || (expected !== undefined && token.toUpperCase() !== expected))
      throw new Error(`MemoryDynamoClient cannot parse the condition: ${expression}`);
    return token;
  };
  const operand = (token: string): unknown => {
    if (token.startsWith(':')) {
      if (!(token in values))
        throw validation(`An expression attribute value used in expression is not defined: ${token}`);
      return values[token];
    }
    return item[resolveName(token, names)];
  };
  const primary = (): boolean => {
    const token = take();
    const upper = token.toUpperCase();
    if (token === '(') {
      const inner = or();
      take(')');
      return inner;
    }
    if (upper === 'NOT') return !primary();
    if (upper === 'ATTRIBUTE_EXISTS' || upper === 'ATTRIBUTE_NOT_EXISTS') {
      take('(');
      const present = item[resolveName(take(), names)] !== undefined;
      take(')');
      return upper === 'ATTRIBUTE_EXISTS' ? present : !present;
    }
    const left = operand(token);
    const operator = take();
    const right = operand(take());
    if (left === undefined || right === undefined) return false;
    const order = compare(left, right);
    if (Number.isNaN(order)) return operator === '<>';
    switch (operator) {
      case '=':
        return order === 0;
      case '<>':
        return order !== 0;
      case '<':
        return order < 0;
      case '<=':
        return order <= 0;
      case '>':
        return order > 0;
      case '>=':
        return order >= 0;
      default:
        throw new Error(`MemoryDynamoClient does not support the operator ${operator}`);
    }
  };
  const and = (): boolean => {
    let result = primary();
    while (peek()?.toUpperCase() === 'AND') {
      take();
      const right = primary();
      result = result && right;
    }
    return result;
  };
  const or = (): boolean => {
    let result = and();
    while (peek()?.toUpperCase() === 'OR') {
      take();
      const right = and();
      result = result || right;
    }
    return result;
  };
  const result = or();
  if (at !== tokens.length) throw new Error(`MemoryDynamoClient cannot parse the condition: ${expression}`);
  return result;
}
