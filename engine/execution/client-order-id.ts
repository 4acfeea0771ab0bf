/**
 * client_order_id derived from the intent alone, so the same decision produces the same id after
 * a retry, a restart or a second engine, and the broker's uniqueness rule on client_order_id
 * refuses the duplicate order for us.
 *
 * The id is a prefix plus the 128-bit MurmurHash3 of the intent's identity in 22 base64url
 * characters, 26 in all: accidental collisions are beyond reach at any number of orders an
 * account places, and nobody outside the engine chooses the inputs. Alpaca's current spec allows
 * 128 characters, older docs and the official JS SDK's test mock say 48; both are satisfied.
 * The prefix names the scheme. `ae1-` ids (SHA-256) came before; they are no longer produced, but
 * an order carrying one is still recognised as the engine's own.
 */
import { murmur3x86_128 } from '../../shared/text/murmur3-x86-128.ts';

export const CLIENT_ORDER_ID_PREFIX = 'ae2';
export const CLIENT_ORDER_ID_MAX_LENGTH = 48;

const BASE64URL = Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', (char) =>
  char.charCodeAt(0),
);
const PREFIX = Array.from(`${CLIENT_ORDER_ID_PREFIX}-`, (char) => char.charCodeAt(0));
const words = new Uint32Array(4);
const codes = new Array<number>(PREFIX.length + 22).fill(0);

/** The hash's 128 bits as base64url after the prefix: five 6-bit digits per word, then the top 2 bits of each. */
function digest(text: string): string {
  murmur3x86_128(text, words);
  let at = 0;
  for (const code of PREFIX) codes[at++] = code;
  for (let w = 0; w < 4; w++) {
    const value = words[w]!;
    for (let shift = 0; shift < 30; shift += 6) codes[at++] = BASE64URL[(value >>> shift) & 63]!;
  }
  const top =
    (words[0]! >>> 30) | ((words[1]! >>> 30) << 2) | ((words[2]! >>> 30) << 4) | ((words[3]! >>> 30) << 6);
  codes[at++] = BASE64URL[top & 15]!;
  codes[at] = BASE64URL[top >>> 4]!;
  return String.fromCharCode.apply(null, codes);
}

/** Every scheme's prefix, newest first. */
const OWN_PREFIXES = [`${CLIENT_ORDER_ID_PREFIX}-`, 'ae1-'] as const;

/** Our client order ids carry a prefix, so an order whose record was lost in a crash is still ours. */
export function isOwnClientOrderId(clientOrderId: string): boolean {
  return OWN_PREFIXES.some((prefix) => clientOrderId.startsWith(prefix));
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
