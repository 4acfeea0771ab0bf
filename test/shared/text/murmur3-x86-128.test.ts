import fc from 'fast-check';
import reference from 'murmurhash3js-revisited';
import { describe, expect, it } from 'vitest';
import { murmur3x86_128 } from '../../../shared/text/murmur3-x86-128.ts';

/** What the published byte-wise implementation answers for the string's UTF-16LE bytes. */
function expected(text: string, seed: number): string {
  return reference.x86.hash128(new Uint8Array(Buffer.from(text, 'utf16le')), seed);
}

function actual(text: string, seed: number): string {
  const out = new Uint32Array(4);
  murmur3x86_128(text, out, seed);
  return [...out].map((word) => word.toString(16).padStart(8, '0')).join('');
}

describe('Function: murmur3x86_128', () => {
  it('answers as the reference implementation over every tail length', () => {
    for (let length = 0; length <= 40; length++) {
      const text = 'risk:exit:AAPL:2026-12-02:1\u0000é€😀'.repeat(3).slice(0, length);
      expect(actual(text, 0)).toBe(expected(text, 0));
    }
  });

  it('answers as the reference implementation for any string and seed', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.nat(), (text, seed) => {
        expect(actual(text, seed)).toBe(expected(text, seed));
      }),
      { numRuns: 2_000 },
    );
  });
});
