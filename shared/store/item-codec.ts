/**
 * How domain values become DynamoDB items and back. Every item carries its `type` and schema
 * version `v`; reads validate with zod and turn anything unexpected (a corrupt attribute, an item
 * written by an older or newer schema) into an ItemProblem naming the item's key, never a silent drop.
 * Money and quantities are stored as decimal strings so no reader ever sees a float.
 */
import { z } from 'zod';
import { type Fixed, formatFixed, tryParseFixed } from '../domain/fixed.ts';

export type StoredItem = Record<string, unknown>;

export const ITEM_PROBLEM_REASONS = ['corrupt', 'older_schema', 'newer_schema', 'wrong_type'] as const;
export type ItemProblemReason = (typeof ITEM_PROBLEM_REASONS)[number];

export interface ItemProblem {
  readonly table: string;
  /** The item's primary key as stored (pk, and sk where the table has one). */
  readonly key: Readonly<Record<string, string>>;
  readonly expectedType: string;
  readonly reason: ItemProblemReason;
  readonly message: string;
}

export type Decoded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: ItemProblem };

export interface ItemKind<T> {
  readonly type: string;
  /** Bumped whenever the stored shape changes; readers refuse other versions until migrated. */
  readonly version: number;
  /** Validates the item's own attributes (the header `type`/`v` and key attributes are checked separately). */
  readonly schema: z.ZodType<T>;
  /** The item's primary key attributes, cheap to compute: the write-behind queue keys on them. */
  primaryKey(account: string, value: T): Readonly<Record<string, string>>;
  /** The full item, key and header included. */
  encode(account: string, value: T): StoredItem;
}

/** A decimal string holding a Fixed. */
export const fixedText = z.string().transform((text, ctx): Fixed => {
  const value = tryParseFixed(text);
  if (value === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `not an exact decimal with at most 9 places: ${JSON.stringify(text)}`,
    });
    return z.NEVER;
  }
  return value;
});

export const nullableFixedText = fixedText.nullable();

export function fixedToText(value: Fixed): string {
  return formatFixed(value);
}

export function nullableFixedToText(value: Fixed | null): string | null {
  return value === null ? null : formatFixed(value);
}

export const epochMs = z.number().int().nonnegative();

/** Sort keys ordered by time: zero-padded so string order is time order. */
export function timeSortKey(atMs: number, id: string): string {
  return `${String(atMs).padStart(15, '0')}#${id}`;
}

export function header(kind: { type: string; version: number }): { type: string; v: number } {
  return { type: kind.type, v: kind.version };
}

function keyOf(item: StoredItem, keyNames: readonly string[]): Record<string, string> {
  const key: Record<string, string> = {};
  for (const name of keyNames) key[name] = String(item[name] ?? '<missing>');
  return key;
}

function describeKey(key: Readonly<Record<string, string>>): string {
  return Object.entries(key)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(' ');
}

/** Validates one item read from `table` as `kind`. */
export function decodeItem<T>(
  kind: ItemKind<T>,
  item: StoredItem,
  table: string,
  keyNames: readonly string[],
): Decoded<T> {
  const key = keyOf(item, keyNames);
  const problem = (reason: ItemProblemReason, detail: string): Decoded<T> => ({
    ok: false,
    problem: {
      table,
      key,
      expectedType: kind.type,
      reason,
      message: `${table} item ${describeKey(key)} (${kind.type}): ${detail}`,
    },
  });
  if (item.type !== kind.type) {
    return problem(
      'wrong_type',
      `has type ${JSON.stringify(item.type)}, expected ${JSON.stringify(kind.type)}`,
    );
  }
  if (typeof item.v !== 'number' || !Number.isInteger(item.v)) {
    return problem('corrupt', `schema version v is ${JSON.stringify(item.v)}, not an integer`);
  }
  if (item.v < kind.version) {
    return problem(
      'older_schema',
      `written with schema version ${item.v}; this reader needs ${kind.version}`,
    );
  }
  if (item.v > kind.version) {
    return problem(
      'newer_schema',
      `written with schema version ${item.v}; this reader knows only ${kind.version}`,
    );
  }
  const parsed = kind.schema.safeParse(item);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(item)'}: ${issue.message}`,
    );
    return problem('corrupt', issues.join('; '));
  }
  return { ok: true, value: parsed.data };
}
