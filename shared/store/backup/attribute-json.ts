/**
 * DynamoDB items as JSON for a backup file, in DynamoDB's own typed form (`{"S":"…"}`, `{"N":"…"}`,
 * …) so that a restore writes back exactly the attributes it read: numbers stay decimal strings
 * (never a float), sets stay sets, and binary values are base64 as in DynamoDB's JSON export.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type JsonAttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: string }
  | { readonly SS: readonly string[] }
  | { readonly NS: readonly string[] }
  | { readonly BS: readonly string[] }
  | { readonly M: Readonly<Record<string, JsonAttributeValue>> }
  | { readonly L: readonly JsonAttributeValue[] }
  | { readonly NULL: true }
  | { readonly BOOL: boolean };

export type JsonItem = Readonly<Record<string, JsonAttributeValue>>;
export type DynamoItem = Record<string, AttributeValue>;

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function itemToJson(item: DynamoItem): JsonItem {
  return Object.fromEntries(
    Object.entries(item).map(([name, value]) => [name, attributeToJson(value, name)]),
  );
}

function attributeToJson(value: AttributeValue, path: string): JsonAttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M !== undefined)
    return {
      M: Object.fromEntries(
        Object.entries(value.M).map(([name, inner]) => [name, attributeToJson(inner, `${path}.${name}`)]),
      ),
    };
  if (value.L !== undefined) return { L: value.L.map((inner, i) => attributeToJson(inner, `${path}[${i}]`)) };
  if (value.NULL !== undefined) return { NULL: true };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  throw new Error(`attribute ${path} has a type this backup cannot hold`);
}

/** Decodes and validates an item read from a file; throws naming the first bad attribute. */
export function itemFromJson(json: unknown): DynamoItem {
  if (!isRecord(json)) throw new Error('item is not a JSON object');
  return Object.fromEntries(
    Object.entries(json).map(([name, value]) => [name, attributeFromJson(value, name)]),
  );
}

function attributeFromJson(json: unknown, path: string): AttributeValue {
  const bad = (what: string): Error => new Error(`attribute ${path}: ${what}`);
  if (!isRecord(json)) throw bad('is not a typed attribute value such as {"S":"…"}');
  const entries = Object.entries(json);
  if (entries.length !== 1)
    throw bad('must have exactly one type key (S, N, B, SS, NS, BS, M, L, NULL, BOOL)');
  const [type, value] = entries[0]!;
  const strings = (check: (text: string) => boolean, what: string): string[] => {
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && check(v)))
      throw bad(`${type} must be a non-empty array of ${what}`);
    return value as string[];
  };
  switch (type) {
    case 'S':
      if (typeof value !== 'string') throw bad('S must be a string');
      return { S: value };
    case 'N':
      if (typeof value !== 'string' || !NUMBER.test(value)) throw bad('N must be a number as a string');
      return { N: value };
    case 'B':
      if (typeof value !== 'string' || !BASE64.test(value)) throw bad('B must be base64');
      return { B: Buffer.from(value, 'base64') };
    case 'SS':
      return { SS: strings(() => true, 'strings') };
    case 'NS':
      return { NS: strings((v) => NUMBER.test(v), 'numbers as strings') };
    case 'BS':
      return { BS: strings((v) => BASE64.test(v), 'base64 strings').map((v) => Buffer.from(v, 'base64')) };
    case 'M':
      if (!isRecord(value)) throw bad('M must be an object');
      return {
        M: Object.fromEntries(
          Object.entries(value).map(([name, inner]) => [name, attributeFromJson(inner, `${path}.${name}`)]),
        ),
      };
    case 'L':
      if (!Array.isArray(value)) throw bad('L must be an array');
      return { L: value.map((inner, i) => attributeFromJson(inner, `${path}[${i}]`)) };
    case 'NULL':
      if (value !== true) throw bad('NULL must be true');
      return { NULL: true };
    case 'BOOL':
      if (typeof value !== 'boolean') throw bad('BOOL must be true or false');
      return { BOOL: value };
    default:
      throw bad(`unknown type ${JSON.stringify(type)}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
