import { describe, expect, it } from 'vitest';
import { protectiveStopPrice } from '../../../engine/risk/protective-stop.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';

const f = parseFixed;

describe('Function: protectiveStopPrice', () => {
  it.each([
    ['a long entry, rounded down to the cent', 'buy', '101.52', '2', '99.48'],
    ['a short entry, rounded up to the cent', 'sell', '101.52', '2', '103.56'],
    ['a price already on the grid', 'buy', '100', '2', '98'],
    ['below a dollar, on the 1/100-cent grid', 'buy', '0.5123', '2', '0.502'],
    ['a tiny stop loss, held a cent below the entry', 'buy', '50', '0.001', '49.99'],
    ['a tiny stop loss on a short, held a cent above', 'sell', '50', '0.001', '50.01'],
  ] as const)('%s', (_case, side, base, pct, expected) => {
    expect(protectiveStopPrice(side, f(base), f(pct))).toBe(f(expected));
  });

  it('has no stop for a long entry with no room under it', () => {
    expect(protectiveStopPrice('buy', f('0.01'), f('2'))).toBeNull();
  });
});
