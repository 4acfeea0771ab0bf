/**
 * Alpaca's key-pair authentication: APCA-API-KEY-ID and APCA-API-SECRET-KEY on every REST call,
 * and the same pair inside the stream's auth message. Compared in constant time so the
 * simulator does not teach a timing leak it would never tolerate in the engine.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SimCredentials } from '../context.ts';

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function credentialsMatch(credentials: SimCredentials, keyId: unknown, secretKey: unknown): boolean {
  if (typeof keyId !== 'string' || typeof secretKey !== 'string') return false;
  // Evaluate both so a right key with a wrong secret costs the same as a wrong key.
  const keyOk = same(keyId, credentials.keyId);
  const secretOk = same(secretKey, credentials.secretKey);
  return keyOk && secretOk;
}

export type RequestAuthentication =
  | { readonly kind: 'authenticated'; readonly keyId: string }
  /** A key header is absent: Alpaca's gateway answers 403 {"message":"forbidden."}. */
  | { readonly kind: 'missing' }
  /** Both headers, wrong pair: Alpaca answers 401 with code 40110000. */
  | { readonly kind: 'wrong' };

export function authenticateRequest(
  credentials: SimCredentials,
  headers: IncomingHttpHeaders,
): RequestAuthentication {
  const keyId = headers['apca-api-key-id'];
  const secretKey = headers['apca-api-secret-key'];
  if (typeof keyId !== 'string' || keyId === '' || typeof secretKey !== 'string' || secretKey === '') {
    return { kind: 'missing' };
  }
  return credentialsMatch(credentials, keyId, secretKey)
    ? { kind: 'authenticated', keyId }
    : { kind: 'wrong' };
}
