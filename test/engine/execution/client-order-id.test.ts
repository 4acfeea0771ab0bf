import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_ORDER_ID_MAX_LENGTH,
  clientOrderIdFor,
  replacementClientOrderId,
} from '../../../engine/execution/client-order-id.ts';

describe('Module: client-order-id', () => {
  it('is the same for the same intent and fits the 48-character limit', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 500 }), (strategyId, intentId) => {
        const id = clientOrderIdFor(strategyId, intentId);
        expect(id).toBe(clientOrderIdFor(strategyId, intentId));
        expect(id.length).toBeLessThanOrEqual(CLIENT_ORDER_ID_MAX_LENGTH);
        expect(id).toMatch(/^ae2-[A-Za-z0-9_-]{22}$/);
      }),
    );
  });

  it('differs between intents, strategies and replacements', () => {
    const ids = new Set([
      clientOrderIdFor('ma', 'AAPL:1:buy'),
      clientOrderIdFor('ma', 'AAPL:2:buy'),
      clientOrderIdFor('mom', 'AAPL:1:buy'),
      // The separator keeps ("ab", "c") and ("a", "bc") apart.
      clientOrderIdFor('ab', 'c'),
      clientOrderIdFor('a', 'bc'),
      replacementClientOrderId(clientOrderIdFor('ma', 'AAPL:1:buy'), 1),
      replacementClientOrderId(clientOrderIdFor('ma', 'AAPL:1:buy'), 2),
    ]);
    expect(ids.size).toBe(7);
  });

  it('gives a session of look-alike intents distinct ids', () => {
    const ids = new Set<string>();
    for (const symbol of ['AAPL', 'MSFT', 'GOOGL', 'AMZN']) {
      for (let i = 0; i < 50_000; i++) {
        ids.add(
          clientOrderIdFor(
            'mid-price-momentum',
            `mid-price-momentum:${symbol}:${1_764_000_000_000_000 + i}:buy`,
          ),
        );
      }
    }
    expect(ids.size).toBe(200_000);
  });

  it('keeps the ids orders already carry (an order resent after an upgrade must find its first)', () => {
    // Values the scheme gives today: a change to how they are computed must keep them.
    expect([
      clientOrderIdFor('ma', 'AAPL:1:buy'),
      clientOrderIdFor('mid-price-momentum', 'mid-price-momentum:AAPL:1764000000000000:buy'),
      clientOrderIdFor('', ''),
      clientOrderIdFor('risk', 'stop:é€😀:1'),
      replacementClientOrderId(clientOrderIdFor('ma', 'AAPL:1:buy'), 2),
    ]).toStrictEqual([
      'ae2-F0TCw8qvZG-UARIBQjm_BG',
      'ae2-8X2UlKhjs9s3gg-bRYVvOL',
      'ae2-7KHqELdXztLdXztLdXztMP',
      'ae2-LsJPih62OH5wyTg_l8elFN',
      'ae2-vzq1EVBeHzRTp439s7qLII',
    ]);
  });

  it('refuses a replacement number that is not a positive integer', () => {
    expect(() => replacementClientOrderId('ae2-x', 0)).toThrow(RangeError);
  });
});
