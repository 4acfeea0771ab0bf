/**
 * Alpaca trading answers fuzzed: trade_updates stream messages and REST bodies (orders, account,
 * positions, clock) are mapped whole or refused with reasons, never with a throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStreamMessage } from '../../shared/broker/alpaca/trade-updates-client-wire.ts';
import {
  accountSchema,
  clockSchema,
  orderListSchema,
  orderSchema,
  positionSchema,
} from '../../shared/broker/alpaca/trading-client-wire.ts';
import { WIRE_ACCOUNT, WIRE_POSITION, wireOrder } from '../shared/broker/alpaca/wire-fixtures.ts';
import { expectReason } from './fuzz-expectations.ts';
import { assertFuzz, FUZZ_TEST_TIMEOUT_MS } from './fuzz-settings.ts';
import { hostileJson, hostileNumericText, mutatedObject } from './hostile-values.ts';

const FILL = {
  event: 'fill',
  execution_id: '2f63ea93-423d-4169-b3f6-3fdafc10c418',
  timestamp: '2022-04-19T17:45:05.024916716Z',
  price: '105.8988475',
  qty: '2',
  position_qty: '2',
  order: wireOrder({ status: 'filled', filled_qty: '2', filled_avg_price: '105.8988475' }),
};

/** A valid answer's decimal and time fields: where conversion, not the schema, can fail. */
const decimalOrTime = fc.oneof(
  hostileNumericText,
  fc.constantFrom(
    '2022-04-19T17:45:05.0249167169999Z',
    '9999-12-31T23:59:59Z',
    '2022-02-30T00:00:00Z',
    '1.0000000001',
  ),
);

const tradeUpdate: fc.Arbitrary<unknown> = fc.oneof(
  mutatedObject(FILL).map((data) => ({ stream: 'trade_updates', data })),
  mutatedObject(FILL.order).map((order) => ({ stream: 'trade_updates', data: { ...FILL, order } })),
  fc
    .record({ field: fc.constantFrom('price', 'qty', 'position_qty', 'timestamp'), value: decimalOrTime })
    .map(({ field, value }) => ({ stream: 'trade_updates', data: { ...FILL, [field]: value } })),
  fc
    .constantFrom('authorization', 'listening', 'trade_updates')
    .chain((stream) => hostileJson.map((data) => ({ stream, data }))),
  hostileJson.map((data) => ({ action: 'error', data })),
  hostileJson,
);

function restBody(sample: Record<string, unknown>, decimalFields: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    mutatedObject(sample),
    fc
      .record({ field: fc.constantFrom(...decimalFields), value: decimalOrTime })
      .map(({ field, value }) => ({ ...sample, [field]: value })),
    hostileJson,
  );
}

describe('Alpaca trading answers under fuzzed input', () => {
  it(
    'parseStreamMessage: any JSON is a message or a list of reasons, never a throw',
    () => {
      assertFuzz(
        fc.property(tradeUpdate, (json) => {
          const result = parseStreamMessage(json);
          if (!result.ok) {
            expect(result.issues.length).toBeGreaterThan(0);
            for (const issue of result.issues) expectReason(issue);
          }
        }),
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it.each([
    [
      'order',
      orderSchema,
      wireOrder(),
      ['qty', 'filled_qty', 'limit_price', 'created_at', 'filled_avg_price'],
    ],
    ['account', accountSchema, WIRE_ACCOUNT, ['cash', 'equity', 'buying_power', 'multiplier']],
    ['position', positionSchema, WIRE_POSITION, ['qty', 'avg_entry_price', 'market_value']],
    [
      'clock',
      clockSchema,
      {
        timestamp: '2024-01-02T10:00:00-05:00',
        is_open: false,
        next_open: '2024-01-02T09:30:00-05:00',
        next_close: '2024-01-02T16:00:00-05:00',
      },
      ['timestamp', 'next_open', 'next_close'],
    ],
  ] as const)(
    'REST %s answers: any body maps or is refused with issues naming a path, never a throw',
    (_name, schema, sample, decimals) => {
      assertFuzz(
        fc.property(restBody(sample as Record<string, unknown>, decimals), (body) => {
          const parsed = schema.safeParse(body);
          if (!parsed.success) {
            expect(parsed.error.issues.length).toBeGreaterThan(0);
            for (const issue of parsed.error.issues) expectReason(issue.message);
          }
        }),
        0.5,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'REST order lists: one bad order refuses the list, naming its index',
    () => {
      assertFuzz(
        fc.property(mutatedObject(wireOrder()), fc.nat(3), (bad, at) => {
          const list = [wireOrder(), wireOrder(), wireOrder()];
          list.splice(at, 0, bad);
          const parsed = orderListSchema.safeParse(list);
          if (!parsed.success) expect(parsed.error.issues.some((issue) => issue.path[0] === at)).toBe(true);
        }),
        0.5,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
