/** Query-parameter readers that answer a named error instead of guessing at bad input. */
import { type Fixed, tryParseFixed } from '../../shared/domain/fixed.ts';
import { type ApiResult, apiErrors, fail, ok } from '../trading/api-error.ts';
import { parseTimeParameter } from '../trading/trading-timestamps.ts';

function present(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  return value === null || value === '' ? undefined : value;
}

export function enumParam<T extends string>(
  query: URLSearchParams,
  name: string,
  allowed: readonly T[],
  fallback: T,
): ApiResult<T> {
  const value = present(query, name);
  if (value === undefined) return ok(fallback);
  if ((allowed as readonly string[]).includes(value)) return ok(value as T);
  return fail(
    apiErrors.invalid(`invalid ${name} ${JSON.stringify(value)}: expected one of ${allowed.join(', ')}`),
  );
}

export function optionalEnumParam<T extends string>(
  query: URLSearchParams,
  name: string,
  allowed: readonly T[],
): ApiResult<T | null> {
  const value = present(query, name);
  if (value === undefined) return ok(null);
  if ((allowed as readonly string[]).includes(value)) return ok(value as T);
  return fail(
    apiErrors.invalid(`invalid ${name} ${JSON.stringify(value)}: expected one of ${allowed.join(', ')}`),
  );
}

export function intParam(
  query: URLSearchParams,
  name: string,
  min: number,
  max: number,
  fallback: number,
): ApiResult<number> {
  const value = present(query, name);
  if (value === undefined) return ok(fallback);
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    return fail(
      apiErrors.invalid(
        `invalid ${name} ${JSON.stringify(value)}: expected an integer from ${min} to ${max}`,
      ),
    );
  }
  return ok(parsed);
}

export function boolParam(query: URLSearchParams, name: string): ApiResult<boolean> {
  const value = present(query, name);
  if (value === undefined) return ok(false);
  if (value === 'true' || value === 'false') return ok(value === 'true');
  return fail(apiErrors.invalid(`invalid ${name} ${JSON.stringify(value)}: expected true or false`));
}

/** Epoch microseconds from RFC 3339 or YYYY-MM-DD; null when absent. */
export function timeParam(query: URLSearchParams, name: string): ApiResult<number | null> {
  const value = present(query, name);
  if (value === undefined) return ok(null);
  const parsed = parseTimeParameter(value);
  if (parsed === undefined) {
    return fail(
      apiErrors.invalid(`invalid ${name} ${JSON.stringify(value)}: expected RFC 3339 or YYYY-MM-DD`),
    );
  }
  return ok(parsed);
}

export function dateParam(query: URLSearchParams, name: string): ApiResult<string | null> {
  const value = present(query, name);
  if (value === undefined) return ok(null);
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
  const micros = parseTimeParameter(value);
  if (date === undefined && micros === undefined) {
    return fail(apiErrors.invalid(`invalid ${name} ${JSON.stringify(value)}: expected YYYY-MM-DD`));
  }
  return ok(date ?? new Date(micros! / 1000).toISOString().slice(0, 10));
}

export function positiveDecimalParam(query: URLSearchParams, name: string): ApiResult<Fixed | null> {
  const value = present(query, name);
  if (value === undefined) return ok(null);
  const parsed = tryParseFixed(value);
  if (parsed === undefined || parsed <= 0n) {
    return fail(apiErrors.invalid(`invalid ${name} ${JSON.stringify(value)}: expected a positive decimal`));
  }
  return ok(parsed);
}

export function csvParam(query: URLSearchParams, name: string): string[] | null {
  const value = present(query, name);
  if (value === undefined) return null;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
