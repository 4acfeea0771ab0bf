import { describe, expect, it } from 'vitest';
import { isCryptoSymbol, parseSymbol } from '../../../shared/domain/symbol.ts';

describe('Function: parseSymbol', () => {
  it.each([
    ['AAPL', 'AAPL', 'us_equity'],
    ['BRK.B', 'BRK.B', 'us_equity'],
    ['BTC/USD', 'BTC/USD', 'crypto'],
    ['BTCUSD', 'BTC/USD', 'crypto'],
    ['ETHUSDT', 'ETH/USDT', 'crypto'],
  ])('%s → %s (%s)', (text, symbol, assetClass) => {
    expect(parseSymbol(text)).toStrictEqual({ ok: true, instrument: { symbol, assetClass } });
  });

  it.each(['', 'aapl', 'AAPL ', 'BTC/', '/USD', 'ABCDEFGH', 'A-B'])('refuses %j with a reason', (text) => {
    const result = parseSymbol(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain('neither an equity ticker');
  });

  it('tells crypto pairs from equities', () => {
    expect(isCryptoSymbol('BTC/USD')).toBe(true);
    expect(isCryptoSymbol('AAPL')).toBe(false);
  });
});
