/**
 * Identifiers. Order, execution and account ids come from a seeded generator so that the same
 * seed and the same inputs give the same ids (determinism is part of the simulator's contract);
 * asset ids are derived from the symbol alone so they never change between runs or seeds.
 */
import { createHash } from 'node:crypto';

function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** UUID v4 shaped ids from a splitmix32 stream. */
export class SeededIds {
  #state: number;

  constructor(seed: number) {
    this.#state = (seed ^ 0x9e3779b9) >>> 0;
  }

  #next32(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /**
   * The text formatUuid would print for the four words with the v4 bits set, built in one
   * String.fromCharCode call: one flat string per id, not a rope of pieces (ids live as long as
   * orders), and no trip through a Buffer (its latin1 decoding was half an id's cost).
   */
  uuid(): string {
    const a = this.#next32();
    // Byte 6 keeps its low nibble under version 4; byte 8 its low 6 bits under variant 10.
    const b = ((this.#next32() & 0xffff0fff) | 0x00004000) >>> 0;
    const c = ((this.#next32() & 0x3fffffff) | 0x80000000) >>> 0;
    const d = this.#next32();
    const h = HEX_CODES;
    // biome-ignore format: eight hex digits a line, as the id reads
    return String.fromCharCode(
      h[a >>> 28]!, h[(a >>> 24) & 15]!, h[(a >>> 20) & 15]!, h[(a >>> 16) & 15]!,
      h[(a >>> 12) & 15]!, h[(a >>> 8) & 15]!, h[(a >>> 4) & 15]!, h[a & 15]!, DASH,
      h[b >>> 28]!, h[(b >>> 24) & 15]!, h[(b >>> 20) & 15]!, h[(b >>> 16) & 15]!, DASH,
      h[(b >>> 12) & 15]!, h[(b >>> 8) & 15]!, h[(b >>> 4) & 15]!, h[b & 15]!, DASH,
      h[c >>> 28]!, h[(c >>> 24) & 15]!, h[(c >>> 20) & 15]!, h[(c >>> 16) & 15]!, DASH,
      h[(c >>> 12) & 15]!, h[(c >>> 8) & 15]!, h[(c >>> 4) & 15]!, h[c & 15]!,
      h[d >>> 28]!, h[(d >>> 24) & 15]!, h[(d >>> 20) & 15]!, h[(d >>> 16) & 15]!,
      h[(d >>> 12) & 15]!, h[(d >>> 8) & 15]!, h[(d >>> 4) & 15]!, h[d & 15]!,
    );
  }
}

/** Character codes of the hex digits 0–f. */
const HEX_CODES = Uint8Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
const DASH = 0x2d;

/** A stable UUID (v5 layout, SHA-1 of the name) for names such as asset symbols. */
export function nameUuid(name: string): string {
  const bytes = new Uint8Array(createHash('sha1').update(`alpaca-sim:${name}`).digest().subarray(0, 16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return formatUuid(bytes);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** ULID-shaped event ids that sort lexically in emission order, as Alpaca's event_id does. */
export class EventIds {
  #counter = 0n;

  next(epochMs: number): string {
    this.#counter += 1n;
    let time = '';
    let t = Math.max(0, Math.floor(epochMs));
    for (let i = 0; i < 10; i++) {
      time = CROCKFORD[t % 32]! + time;
      t = Math.floor(t / 32);
    }
    let tail = '';
    let c = this.#counter;
    for (let i = 0; i < 16; i++) {
      tail = CROCKFORD[Number(c % 32n)]! + tail;
      c /= 32n;
    }
    return time + tail;
  }
}
