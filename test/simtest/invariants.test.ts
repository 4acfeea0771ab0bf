import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/load-config.ts';
import { parseFixed } from '../../shared/domain/fixed.ts';
import type { OrderRequest } from '../../shared/venue/venue-types.ts';
import { InvariantMonitor, type LeaseView, type VenueSymbolState } from '../../simtest/invariants.ts';

const { risk: limits } = loadConfig({
  systemFile: new URL('../../config/system.json', import.meta.url).pathname,
  env: {},
});
const open = { breakerState: 'normal', killSwitch: false, entriesAllowed: true };
const buy = (qty: string, price = '100'): OrderRequest => ({
  symbol: 'AAPL',
  qty: parseFixed(qty),
  side: 'buy',
  type: 'limit',
  timeInForce: 'day',
  clientOrderId: 'ae2-x',
  limitPrice: parseFixed(price),
});
const flat = new Map<string, VenueSymbolState>([
  ['AAPL', { positionQty: parseFixed('0'), avgEntryPrice: parseFixed('0'), working: [] }],
]);

describe('Class: InvariantMonitor', () => {
  it('passes an entry within the limits, sent while entries are allowed', () => {
    const monitor = new InvariantMonitor(limits);
    monitor.onEntered(0, buy('10'), parseFixed('100'), open, flat);
    expect(monitor.violations).toStrictEqual([]);
  });

  it.each([
    ['the breaker open', { ...open, breakerState: 'halted' }, 'no_entry_while_breaker_open'],
    ['the kill switch in force', { ...open, killSwitch: true }, 'no_entry_while_breaker_open'],
    ['before reconciliation', { ...open, entriesAllowed: false }, 'no_entry_before_reconciliation'],
  ])('fails an entry sent with %s', (_case, gates, invariant) => {
    const monitor = new InvariantMonitor(limits);
    monitor.onEntered(0, buy('10'), parseFixed('100'), gates, flat);
    expect(monitor.violations.map((violation) => violation.invariant)).toStrictEqual([invariant]);
  });

  it('does not hold an exit to the entry gates', () => {
    const monitor = new InvariantMonitor(limits);
    const long = new Map([
      ['AAPL', { positionQty: parseFixed('10'), avgEntryPrice: parseFixed('100'), working: [] }],
    ]);
    monitor.onEntered(
      0,
      { ...buy('10'), side: 'sell' },
      parseFixed('100'),
      { ...open, entriesAllowed: false },
      long,
    );
    expect(monitor.violations).toStrictEqual([]);
  });

  it('fails an entry that takes the symbol over max_position_notional_usd with the working orders counted', () => {
    const monitor = new InvariantMonitor(limits);
    const held = new Map<string, VenueSymbolState>([
      [
        'AAPL',
        {
          positionQty: parseFixed('50'),
          avgEntryPrice: parseFixed('100'),
          working: [{ side: 'buy', remainingQty: parseFixed('40'), limitPrice: parseFixed('100') }],
        },
      ],
    ]);
    // 5,000 held + 4,000 working + 2,000 new > 10,000.
    monitor.onEntered(0, buy('20'), parseFixed('100'), open, held);
    expect(monitor.violations.map((violation) => violation.invariant)).toStrictEqual([
      'exposure_within_limits',
    ]);
  });

  it('fails a venue order no intent sent, and an intent with two orders', () => {
    const monitor = new InvariantMonitor(limits);
    monitor.checkOrders(
      0,
      [
        { clientOrderId: 'a', replaces: null },
        { clientOrderId: 'b', replaces: null },
        { clientOrderId: 'c', replaces: null },
        { clientOrderId: 'd', replaces: 'order-1' },
      ],
      new Map([
        ['a', 'momentum/1'],
        ['b', 'momentum/1'],
      ]),
    );
    expect(monitor.violations.map((violation) => violation.detail)).toStrictEqual([
      'the venue holds c, which no intent sent',
      'intent momentum/1 has 2 orders: a, b',
    ]);
  });

  it('fails an execution booked twice and an order whose booked quantity differs from the venue', () => {
    const monitor = new InvariantMonitor(limits);
    const fill = { executionId: 'e1', clientOrderId: 'a', qty: parseFixed('5') };
    monitor.checkFills(0, new Map([['a', parseFixed('5')]]), [fill, fill]);
    expect(monitor.violations.map((violation) => violation.invariant)).toStrictEqual([
      'fill_booked_once',
      'fill_booked_once',
    ]);
  });

  it('fails positions that differ from the venue in quantity or average entry', () => {
    const monitor = new InvariantMonitor(limits);
    const at = (qty: string, avg: string) => ({ qty: parseFixed(qty), avgEntryPrice: parseFixed(avg) });
    monitor.checkPositions(
      0,
      new Map([
        ['AAPL', at('10', '100')],
        ['MSFT', at('5', '300')],
      ]),
      new Map([
        ['AAPL', at('10', '101')],
        ['SPY', at('1', '500')],
      ]),
    );
    expect(monitor.violations.map((violation) => violation.detail)).toStrictEqual([
      "AAPL: the engine's average entry 100, the venue's 101",
      'MSFT: the engine holds 5, the venue 0',
      'SPY: the engine holds 0, the venue 1',
    ]);
  });

  it('fails when a malformed frame reached the engine', () => {
    const monitor = new InvariantMonitor(limits);
    monitor.checkMalformed(0, 1);
    expect(monitor.violations.map((violation) => violation.invariant)).toStrictEqual([
      'malformed_frames_ignored',
    ]);
  });

  it('flags a risk exit that reaches the venue while another order in its symbol still works', () => {
    const monitor = new InvariantMonitor(limits);
    monitor.onRiskExit(0, buy('10'), []);
    expect(monitor.violations).toStrictEqual([]);
    monitor.onRiskExit(5, buy('10'), ['ae2-open']);
    expect(monitor.violations.map((v) => v.invariant)).toStrictEqual(['exit_after_cancels_confirmed']);
  });

  it('flags an accepted order missing from the store and a fill the store lacks or holds twice', () => {
    const fill = (executionId: string, clientOrderId: string, qty: string) => ({
      executionId,
      orderId: 'o',
      clientOrderId,
      symbol: 'AAPL',
      side: 'buy' as const,
      qty: parseFixed(qty),
      price: parseFixed('100'),
      timestampMs: 0,
    });
    const executed = new Map([
      ['a', parseFixed('10')],
      ['b', parseFixed('5')],
    ]);
    const whole = new InvariantMonitor(limits);
    whole.checkPersisted(0, ['a', 'b'], new Set(['a', 'b']), () => false, executed, [
      fill('e1', 'a', '4'),
      fill('reconciled:a', 'a', '6'),
      fill('e2', 'b', '5'),
    ]);
    expect(whole.violations).toStrictEqual([]);

    const lossy = new InvariantMonitor(limits);
    lossy.checkPersisted(0, ['a', 'b', 'c'], new Set(['a']), (id) => id === 'b', executed, [
      fill('e1', 'a', '4'),
      fill('reconciled:a', 'a', '10'),
    ]);
    expect(lossy.violations.map((v) => v.detail)).toStrictEqual([
      'c, accepted by the venue, is neither in the store nor known to the final engine',
      'a: the venue executed 10, the store holds fills of 14',
      'b: the venue executed 5, the store holds fills of 0',
    ]);
  });

  it('passes a stop whose symbol went flat at the venue, or whose exit still works there', () => {
    const monitor = new InvariantMonitor(limits);
    monitor.onStop(0, 'AAPL', parseFixed('10'));
    monitor.onVenuePosition('AAPL', parseFixed('4'));
    monitor.onVenuePosition('AAPL', parseFixed('0'));
    // A new position after the stop closed the old one is the strategy's, not the stop's.
    monitor.onVenuePosition('AAPL', parseFixed('7'));
    monitor.onStop(1, 'MSFT', parseFixed('0'));
    monitor.onStop(2, 'SPY', parseFixed('5'));
    monitor.checkStops(
      3,
      new Map([
        ['AAPL', parseFixed('7')],
        ['SPY', parseFixed('5')],
      ]),
      new Set(['SPY']),
    );
    expect(monitor.violations).toStrictEqual([]);
    // A stop too near the end of the market data to have been carried out is not judged.
    monitor.onStop(10, 'TSLA', parseFixed('3'));
    monitor.checkStops(11, new Map([['TSLA', parseFixed('3')]]), new Set(['SPY']), 10);
    expect(monitor.violations).toStrictEqual([]);
  });

  it('flags a stop whose symbol never went flat at the venue and has no exit working', () => {
    const monitor = new InvariantMonitor(limits);
    monitor.onStop(Date.UTC(2026, 2, 10, 15), 'AAPL', parseFixed('10'));
    monitor.onVenuePosition('AAPL', parseFixed('4'));
    monitor.checkStops(5, new Map([['AAPL', parseFixed('4')]]), new Set(['MSFT']));
    expect(monitor.violations).toStrictEqual([
      {
        invariant: 'stop_ends_flat_or_protected',
        atMs: 5,
        detail:
          'a stop on AAPL triggered at 2026-03-10T15:00:00.000Z; the venue still holds 4 with no exit working',
      },
    ]);
  });

  it('checks only duplicates when each engine booked part of a run with restarts', () => {
    const monitor = new InvariantMonitor(limits);
    const booked = [{ executionId: 'e1', clientOrderId: 'a', qty: parseFixed('4') }];
    monitor.checkFills(0, null, booked);
    expect(monitor.violations).toStrictEqual([]);
    monitor.checkFills(0, null, [...booked, ...booked]);
    expect(monitor.violations.map((v) => v.invariant)).toStrictEqual(['fill_booked_once']);
  });

  describe('the lease and cancels', () => {
    const heldBy = (holderId: string, expiresAtMs = 15_000): LeaseView => ({
      holderId,
      fencingToken: 2,
      status: 'held',
      expiresAtMs,
    });
    const invariants = (monitor: InvariantMonitor) =>
      monitor.violations.map((violation) => violation.invariant);

    it('passes a cancel from the holder, or from a watchdog under its own hold', () => {
      const monitor = new InvariantMonitor(limits);
      monitor.onCancel(1_000, 'engine-1 cancelled o-1', ['engine-1', 'engine-1/cancel'], heldBy('engine-1'));
      monitor.onCancel(
        1_000,
        'engine-1 cancelled all',
        ['engine-1', 'engine-1/cancel'],
        heldBy('engine-1/cancel'),
      );
      monitor.onCancel(1_000, 'watchdog/1 cancelled all', ['watchdog/1'], heldBy('watchdog/1'));
      expect(monitor.violations).toStrictEqual([]);
    });

    it.each([
      ['another engine holds the lease', heldBy('engine-2')],
      ['the lease has lapsed', heldBy('engine-1', 900)],
      ['the lease was released', { ...heldBy('engine-1'), status: 'released' as const }],
      ['there is no lease', null],
    ])('fails a cancel while %s', (_case, lease) => {
      const monitor = new InvariantMonitor(limits);
      monitor.onCancel(1_000, 'engine-1 cancelled o-1', ['engine-1', 'engine-1/cancel'], lease);
      expect(invariants(monitor)).toStrictEqual(['no_cancel_without_lease']);
    });

    it('fails orders still working once a lapsed lease has gone untaken past the bound, once per lapse', () => {
      const monitor = new InvariantMonitor(limits);
      const lapsed = heldBy('engine-1', 10_000);
      monitor.checkOrphaned(70_000, lapsed, ['o-1'], 60_000);
      expect(monitor.violations).toStrictEqual([]);
      monitor.checkOrphaned(70_001, lapsed, ['o-1'], 60_000);
      monitor.checkOrphaned(70_201, lapsed, ['o-1'], 60_000);
      expect(invariants(monitor)).toStrictEqual(['orphaned_orders_cancelled']);
    });

    it.each([
      ['nothing works at the venue', heldBy('engine-1', 10_000), []],
      ['the lease is held', heldBy('engine-2', 90_000), ['o-1']],
      [
        'the lease was released cleanly',
        { ...heldBy('engine-1', 10_000), status: 'released' as const },
        ['o-1'],
      ],
      ['there is no lease', null, ['o-1']],
    ])('passes a lapse past the bound when %s', (_case, lease, working) => {
      const monitor = new InvariantMonitor(limits);
      monitor.checkOrphaned(80_000, lease, working, 60_000);
      expect(monitor.violations).toStrictEqual([]);
    });
  });

  describe("P&L equals the venue's", () => {
    const execution = (side: 'buy' | 'sell', qty: string, price: string, symbol = 'AAPL') => ({
      symbol,
      side,
      qty: parseFixed(qty),
      price: parseFixed(price),
    });
    // Buy 10 at 100 and 10 at 102 (average 101), sell 15 at 103 (+30), sell 10 at 99 (5 × −2 closes
    // the long, 5 open a short at 99), buy 5 at 98 (+5). MSFT: buy 2 at 300, sell 2 at 299 (−2).
    const executions = [
      execution('buy', '10', '100'),
      execution('buy', '10', '102'),
      execution('sell', '15', '103'),
      execution('sell', '10', '99'),
      execution('buy', '5', '98'),
      execution('buy', '2', '300', 'MSFT'),
      execution('sell', '2', '299', 'MSFT'),
    ];

    it("passes the realised P&L the venue's executions give by average cost", () => {
      const monitor = new InvariantMonitor(limits);
      monitor.checkRealizedPnl(
        0,
        new Map([
          ['AAPL', parseFixed('25')],
          ['MSFT', parseFixed('-2')],
        ]),
        parseFixed('23'),
        executions,
      );
      expect(monitor.violations).toStrictEqual([]);
    });

    it("fails a symbol whose P&L a phantom or a missed share moved, and the day's total with it", () => {
      const monitor = new InvariantMonitor(limits);
      // As if the short had been 6 shares, one of them phantom: 6 × (99 − 98) = 6 on its close.
      monitor.checkRealizedPnl(
        0,
        new Map([
          ['AAPL', parseFixed('26')],
          ['MSFT', parseFixed('-2')],
        ]),
        parseFixed('24'),
        executions,
      );
      expect(monitor.violations.map((v) => v.detail)).toStrictEqual([
        "AAPL: the engine realised $26.000000, the venue's executions $25.000000",
        "the day: the engine realised $24.000000, the venue's executions $23.000000",
      ]);
    });
  });

  it('fails an order priced outside the LULD band in force when it reaches the venue', () => {
    const monitor = new InvariantMonitor(limits);
    const band = { limitUp: 100.05, limitDown: 99.95 };
    monitor.checkBand(0, buy('1', '100.05'), band);
    monitor.checkBand(0, buy('1', '100.06'), undefined);
    expect(monitor.violations).toStrictEqual([]);
    monitor.checkBand(0, buy('1', '100.06'), band);
    monitor.checkBand(0, { ...buy('1', '99.94'), side: 'sell' }, band);
    expect(monitor.violations.map((v) => v.invariant)).toStrictEqual([
      'no_order_outside_luld_band',
      'no_order_outside_luld_band',
    ]);
  });

  it('fails an entry sent while the feed is stale or reconnecting, not an exit', () => {
    const monitor = new InvariantMonitor(limits);
    monitor.onOrderSending(0, buy('1'), 'entry', 'ready');
    monitor.onOrderSending(0, buy('1'), 'exit', 'stale');
    expect(monitor.violations).toStrictEqual([]);
    monitor.onOrderSending(0, buy('1'), 'entry', 'stale');
    monitor.onOrderSending(0, buy('1'), 'entry', 'reconnecting');
    expect(monitor.violations.map((v) => v.invariant)).toStrictEqual([
      'no_entry_on_stale_feed',
      'no_entry_on_stale_feed',
    ]);
  });
});
