/** The token an Authorization header presents, read as the engine reads it (`Bearer <token>`). */

export type PresentedToken =
  | { readonly ok: true; readonly token: string }
  | { readonly ok: false; readonly reason: 'missing_token' | 'wrong_scheme' | 'empty_token' };

const SCHEME = 'Bearer';

export function readBearerToken(authorization: string | undefined): PresentedToken {
  if (authorization === undefined || authorization.trim() === '')
    return { ok: false, reason: 'missing_token' };
  // API Gateway trims header values, so `Bearer ` arrives as `Bearer`: an empty token, not another scheme.
  if (authorization !== SCHEME && !authorization.startsWith(`${SCHEME} `)) {
    return { ok: false, reason: 'wrong_scheme' };
  }
  const token = authorization.slice(SCHEME.length + 1);
  if (token.trim() === '') return { ok: false, reason: 'empty_token' };
  return { ok: true, token };
}
