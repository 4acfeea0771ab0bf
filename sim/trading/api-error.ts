/**
 * Alpaca's REST error answers as values: HTTP status plus the {"code","message"} body, with the
 * context fields some 403s and 422s carry (e.g. https://docs.alpaca.markets/reference/postorder).
 * Codes as Alpaca sends them: the first three digits repeat the HTTP status; 40010001 is Alpaca's
 * parameter-validation code on a 422.
 */
export interface ApiError {
  readonly status: number;
  readonly code: number;
  readonly message: string;
  readonly context?: Readonly<Record<string, string | number>>;
}

export type ApiResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ApiError };

export function ok<T>(value: T): ApiResult<T> {
  return { ok: true, value };
}

export function fail<T>(error: ApiError): ApiResult<T> {
  return { ok: false, error };
}

export const apiErrors = {
  malformedBody: (): ApiError => ({ status: 400, code: 40010000, message: 'failed to decode request body' }),
  unauthorized: (): ApiError => ({ status: 401, code: 40110000, message: 'request is not authorized' }),
  forbidden: (message: string, context?: Record<string, string | number>): ApiError => ({
    status: 403,
    code: 40310000,
    message,
    ...(context === undefined ? {} : { context }),
  }),
  notFound: (message: string): ApiError => ({ status: 404, code: 40410000, message }),
  methodNotAllowed: (): ApiError => ({ status: 405, code: 40510000, message: 'method not allowed' }),
  /** Missing, malformed or conflicting parameters (Alpaca's 422 with code 40010001). */
  invalid: (message: string): ApiError => ({ status: 422, code: 40010001, message }),
  /** Well-formed but refused in this state (Alpaca's 422 with code 42210000). */
  unprocessable: (message: string, context?: Record<string, string | number>): ApiError => ({
    status: 422,
    code: 42210000,
    message,
    ...(context === undefined ? {} : { context }),
  }),
  rateLimited: (): ApiError => ({ status: 429, code: 42910000, message: 'rate limit exceeded' }),
  internal: (): ApiError => ({ status: 500, code: 50010000, message: 'internal server error' }),
  unavailable: (): ApiError => ({ status: 503, code: 50310000, message: 'service unavailable' }),
} as const;

export function errorBody(error: ApiError): Record<string, string | number> {
  return { code: error.code, message: error.message, ...error.context };
}
