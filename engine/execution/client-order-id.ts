/**
 * client_order_id derived from the intent alone, so the same decision produces the same id after
 * a retry, a restart or a second engine, and the broker's uniqueness rule on client_order_id
 * refuses the duplicate order for us.
 *
 * The id is a prefix plus 32 base64url characters of SHA-256 (192 bits: collisions are not a
 * practical concern), 36 characters in all. Alpaca's current spec allows 128 characters, but
 * older docs and the official JS SDK's test mock say 48; staying under 48 is safe for both.
 * Measured: ~0.4 µs per id on this machine (Node 24, crypto.hash one-shot).
 */
import { hash } from 'node:crypto';

export const CLIENT_ORDER_ID_PREFIX = 'ae1';
export const CLIENT_ORDER_ID_MAX_LENGTH = 48;

function digest(text: string): string {
  return `${CLIENT_ORDER_ID_PREFIX}-${hash('sha256', text, 'base64url').slice(0, 32)}`;
}

/** The id of the first order placed for an intent. */
export function clientOrderIdFor(strategyId: string, intentId: string): string {
  return digest(`${strategyId}\u0000${intentId}`);
}

/** The id of the nth replacement (1, 2, …) of an order: also deterministic, also unique. */
export function replacementClientOrderId(originalClientOrderId: string, replacement: number): string {
  if (!Number.isSafeInteger(replacement) || replacement < 1) {
    throw new RangeError(`replacement number must be a positive integer, got ${replacement}`);
  }
  return digest(`${originalClientOrderId}\u0000replace\u0000${replacement}`);
}
