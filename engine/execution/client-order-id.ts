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

const DIGITS = Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', (char) =>
  char.charCodeAt(0),
);
const [P0, P1, P2, P3] = Array.from(`${CLIENT_ORDER_ID_PREFIX}-`, (char) => char.charCodeAt(0)) as [
  number,
  number,
  number,
  number,
];
const words = new Uint32Array(4);

/**
 * The prefix, then the hash's 128 bits in base64url: five 6-bit digits from each word's low 30
 * bits, then two digits for the four words' top 2 bits. One string built in one call, since this
 * runs for every order (an array and `apply`, or 2-character pieces joined, cost twice as much).
 */
function digest(text: string): string {
  murmur3x86_128(text, words);
  const a = words[0]!;
  const b = words[1]!;
  const c = words[2]!;
  const d = words[3]!;
  const top = (a >>> 30) | ((b >>> 30) << 2) | ((c >>> 30) << 4) | ((d >>> 30) << 6);
  const D = DIGITS;
  return String.fromCharCode(
    P0,
    P1,
    P2,
    P3,
    D[a & 63]!,
    D[(a >>> 6) & 63]!,
    D[(a >>> 12) & 63]!,
    D[(a >>> 18) & 63]!,
    D[(a >>> 24) & 63]!,
    D[b & 63]!,
    D[(b >>> 6) & 63]!,
    D[(b >>> 12) & 63]!,
    D[(b >>> 18) & 63]!,
    D[(b >>> 24) & 63]!,
    D[c & 63]!,
    D[(c >>> 6) & 63]!,
    D[(c >>> 12) & 63]!,
    D[(c >>> 18) & 63]!,
    D[(c >>> 24) & 63]!,
    D[d & 63]!,
    D[(d >>> 6) & 63]!,
    D[(d >>> 12) & 63]!,
    D[(d >>> 18) & 63]!,
    D[(d >>> 24) & 63]!,
    D[top & 15]!,
    D[top >>> 4]!,
  );
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
