import { describe, expect, it } from 'vitest';
import { ordersText, positionsText, strategiesText } from '../../cli/ctl-output.ts';

describe('Module: ctl output', () => {
  it('prints positions as a table with the numbers right-aligned, as the API wrote them', () => {
    const text = positionsText({
      positions: [
        {
          symbol: 'AAPL',
          side: 'long',
          qty: '3',
          avgEntryPrice: '187.25',
          markPrice: '190.1',
          marketValue: '570.3',
          unrealizedPnl: '8.55',
          closing: false,
        },
        {
          symbol: 'BTC/USD',
          side: 'short',
          qty: '-0.015',
          avgEntryPrice: '64000',
          markPrice: null,
          marketValue: null,
          unrealizedPnl: null,
          closing: true,
        },
      ],
    });
    expect(text.split('\n')).toStrictEqual([
      'SYMBOL   SIDE      QTY  AVG ENTRY   MARK  MARKET VALUE  UNREALIZED  CLOSING',
      '-------  -----  ------  ---------  -----  ------------  ----------  -------',
      'AAPL     long        3     187.25  190.1         570.3        8.55  no',
      'BTC/USD  short  -0.015      64000      -             -           -  yes',
    ]);
  });

  it('says so when there is nothing to list', () => {
    expect(positionsText({ positions: [] })).toBe('no open positions');
    expect(ordersText({ orders: [] }, 'open')).toBe('no working orders');
    expect(ordersText({ orders: [] }, 'closed')).toBe('no closed orders this session');
    expect(strategiesText([])).toBe('no strategies run in this engine');
  });

  it('prints strategies with their symbols', () => {
    expect(
      strategiesText([{ id: 'momentum', symbols: ['AAPL', 'MSFT'], enabled: true, latched: false }]).split(
        '\n',
      ),
    ).toStrictEqual([
      'ID        ENABLED  LATCHED  SYMBOLS',
      '--------  -------  -------  ---------',
      'momentum  yes      no       AAPL MSFT',
    ]);
  });
});
