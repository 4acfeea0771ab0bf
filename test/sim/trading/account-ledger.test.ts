import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Fixed, fixedFromInteger, formatFixed, parseFixed, ZERO } from '../../../shared/domain/fixed.ts';
import { AccountLedger } from '../../../sim/trading/account-ledger.ts';

const START = parseFixed('100000');

describe('AccountLedger', () => {
  it('keeps equity equal to starting cash when every fill is at the mark price', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50_000 }).map((cents) => parseFixed((cents / 100).toFixed(2))),
        fc.array(
          fc.record({
            side: fc.constantFrom('buy' as const, 'sell' as const),
            qty: fc.integer({ min: 1, max: 500 }),
          }),
          {
            maxLength: 40,
          },
        ),
        (price, fills) => {
          const ledger = new AccountLedger(START);
          let expectedQty = 0;
          for (const fill of fills) {
            const after = ledger.applyFill(
              'AAPL',
              fill.side,
              fixedFromInteger(fill.qty),
              price,
              '2026-03-10',
            );
            expectedQty += fill.side === 'buy' ? fill.qty : -fill.qty;
            expect(after).toBe(fixedFromInteger(expectedQty));
          }
          expect(ledger.valuation(() => price).equity).toBe(START);
          const position = ledger.position('AAPL');
          if (expectedQty === 0) expect(position).toBeUndefined();
          else expect(position!.costBasis > 0n).toBe(true);
        },
      ),
    );
  });

  it('keeps the average entry price on a reducing fill and realises the difference in cash', () => {
    const ledger = new AccountLedger(START);
    ledger.applyFill('AAPL', 'buy', fixedFromInteger(10), parseFixed('100'), '2026-03-10');
    ledger.applyFill('AAPL', 'buy', fixedFromInteger(10), parseFixed('110'), '2026-03-10');
    ledger.applyFill('AAPL', 'sell', fixedFromInteger(5), parseFixed('120'), '2026-03-11');
    const position = ledger.position('AAPL')!;
    expect(formatFixed(position.qty)).toBe('15');
    expect(formatFixed(position.costBasis)).toBe('1575');
    expect(formatFixed(ledger.cash)).toBe('98500');
    expect(ledger.dayTradesSince('2026-03-01')).toBe(0);
  });

  it('opens the remainder at the fill price when a fill crosses zero', () => {
    const ledger = new AccountLedger(START);
    ledger.applyFill('AAPL', 'buy', fixedFromInteger(2), parseFixed('100'), '2026-03-10');
    const after = ledger.applyFill('AAPL', 'sell', fixedFromInteger(5), parseFixed('101'), '2026-03-10');
    expect(formatFixed(after)).toBe('-3');
    expect(formatFixed(ledger.position('AAPL')!.costBasis)).toBe('303');
    expect(ledger.dayTradesSince('2026-03-10')).toBe(1);
  });

  it('counts the day trades of each session, and those on or after a date', () => {
    const ledger = new AccountLedger(START);
    const roundTrips = (sessionDate: string, count: number) => {
      for (let i = 0; i < count; i++) {
        ledger.applyFill('AAPL', 'buy', fixedFromInteger(1), parseFixed('100'), sessionDate);
        ledger.applyFill('AAPL', 'sell', fixedFromInteger(1), parseFixed('100'), sessionDate);
      }
    };
    roundTrips('2026-03-10', 3);
    roundTrips('2026-03-11', 2);
    // Bought one session, sold the next: not a day trade.
    ledger.applyFill('AAPL', 'buy', fixedFromInteger(1), parseFixed('100'), '2026-03-11');
    ledger.applyFill('AAPL', 'sell', fixedFromInteger(1), parseFixed('100'), '2026-03-12');
    roundTrips('2026-03-12', 1);
    expect(
      ['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13'].map((date) =>
        ledger.dayTradesSince(date),
      ),
    ).toStrictEqual([6, 6, 3, 1, 0]);
  });

  it('values shorts negatively: equity = cash + long + short market value', () => {
    const ledger = new AccountLedger(START);
    ledger.applyFill('MSFT', 'sell', fixedFromInteger(2), parseFixed('400'), '2026-03-10');
    ledger.applyFill('AAPL', 'buy', fixedFromInteger(1), parseFixed('100'), '2026-03-10');
    const marks: Record<string, Fixed> = { MSFT: parseFixed('410'), AAPL: parseFixed('90') };
    const valuation = ledger.valuation((symbol) => marks[symbol] ?? ZERO);
    expect(formatFixed(valuation.shortMarketValue)).toBe('-820');
    expect(formatFixed(valuation.longMarketValue)).toBe('90');
    expect(formatFixed(valuation.equity)).toBe('99970');
  });
});
