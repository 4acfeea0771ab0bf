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

  uuid(): string {
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 16; i += 4) {
      const word = this.#next32();
      bytes[i] = word >>> 24;
      bytes[i + 1] = (word >>> 16) & 0xff;
      bytes[i + 2] = (word >>> 8) & 0xff;
      bytes[i + 3] = word & 0xff;
    }
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    return formatUuid(bytes);
  }
}

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
