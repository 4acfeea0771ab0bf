import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fixed } from '../../../shared/domain/fixed.ts';
import { ORDER_STATUSES } from '../../../shared/domain/order.ts';
import { decodeItem, type ItemKind } from '../../../shared/store/item-codec.ts';
import { AUDIT_ITEM } from '../../../shared/store/items/audit-item.ts';
import { BREAKER_STATE_ITEM, BREAKER_TRANSITION_ITEM } from '../../../shared/store/items/breaker-items.ts';
import { FILL_ITEM } from '../../../shared/store/items/fill-item.ts';
import { IDEMPOTENCY_ITEM } from '../../../shared/store/items/idempotency-item.ts';
import { LEASE_ITEM } from '../../../shared/store/items/lease-item.ts';
import { ORDER_ITEM, storedOrderFrom } from '../../../shared/store/items/order-item.ts';
import { POSITION_ITEM } from '../../../shared/store/items/position-item.ts';
import { RISK_EVENT_ITEM } from '../../../shared/store/items/risk-event-item.ts';
import {
  sampleAuditEntry,
  sampleBreakerState,
  sampleBreakerTransition,
  sampleFill,
  sampleIdempotencyRecord,
  sampleOrder,
  samplePosition,
  sampleRiskEvent,
  T0,
} from './store-fixtures.ts';

const KEYS = ['pk', 'sk'] as const;

function roundTrip<T>(kind: ItemKind<T>, value: T): unknown {
  const decoded = decodeItem(kind, kind.encode('acct', value), 'test-state', KEYS);
  return decoded.ok ? decoded.value : decoded.problem;
}

const fixed = fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map((units) => units as Fixed);

describe('Module: item codec', () => {
  it.each([
    ['order', ORDER_ITEM, sampleOrder()],
    ['fill', FILL_ITEM, sampleFill],
    ['position', POSITION_ITEM, samplePosition],
    ['breaker state', BREAKER_STATE_ITEM, sampleBreakerState],
    ['breaker transition', BREAKER_TRANSITION_ITEM, sampleBreakerTransition],
    ['risk event', RISK_EVENT_ITEM, sampleRiskEvent],
    ['audit entry', AUDIT_ITEM, sampleAuditEntry],
    ['idempotency record', IDEMPOTENCY_ITEM, sampleIdempotencyRecord],
  ] as const)('decodes what it encodes: %s', (_name, kind, value) => {
    expect(roundTrip(kind as ItemKind<unknown>, value)).toStrictEqual(value);
  });

  it('keeps every exact quantity and price of an order, whatever the digits', () => {
    fc.assert(
      fc.property(
        fixed,
        fixed,
        fc.option(fixed, { nil: null }),
        fc.constantFrom(...ORDER_STATUSES),
        (qty, filled, limit, status) => {
          const order = sampleOrder({ qty, filledQty: filled, limitPrice: limit, status });
          expect(roundTrip(ORDER_ITEM, order)).toStrictEqual(order);
        },
      ),
    );
  });

  it('records an order found at the broker as external, keeping only the domain fields', () => {
    const {
      origin: _o,
      intentId: _i,
      strategyId: _s,
      fencingToken: _f,
      referencePrice: _r,
      ...domain
    } = sampleOrder();
    const brokerOrder = {
      ...domain,
      id: 'b0b6dd9d-8b9b-48a9-ba46-b9d54906e415',
      updatedAtNs: 1n,
      orderClass: '',
    };
    const provenance = {
      origin: 'external',
      intentId: null,
      strategyId: null,
      fencingToken: null,
      referencePrice: null,
    } as const;
    expect(storedOrderFrom(brokerOrder, provenance)).toStrictEqual({ ...domain, ...provenance });
  });

  it('reads an order written before the reference price was kept, as one without it', () => {
    const { referencePrice: _dropped, ...older } = ORDER_ITEM.encode('acct', sampleOrder());
    expect(decodeItem(ORDER_ITEM, older, 'test-state', KEYS)).toStrictEqual({
      ok: true,
      value: sampleOrder({ referencePrice: null }),
    });
  });

  it('stores money as decimal strings, never as numbers', () => {
    const item = ORDER_ITEM.encode('acct', sampleOrder());
    expect(item.qty).toBe('10');
    expect(item.filledAvgPrice).toBe('187.651');
    expect(item.referencePrice).toBe('187.64');
  });

  it('puts only orders that can still fill into the working-orders index', () => {
    expect(ORDER_ITEM.encode('acct', sampleOrder({ status: 'new' })).workingPk).toBe('acct');
    expect(ORDER_ITEM.encode('acct', sampleOrder({ status: 'filled' }))).not.toHaveProperty('workingPk');
  });

  it('gives a fill the same key however often the execution is recorded', () => {
    const first = FILL_ITEM.encode('acct', sampleFill);
    const again = FILL_ITEM.encode('acct', { ...sampleFill });
    expect([again.pk, again.sk]).toStrictEqual([first.pk, first.sk]);
    expect(first.pk).toBe('acct#fill#2026-11-24');
  });

  it('reports an item from an older schema version with its key', () => {
    const item = { ...FILL_ITEM.encode('acct', sampleFill), v: 0 };
    const decoded = decodeItem(FILL_ITEM, item, 'test-state', KEYS);
    expect(decoded).toStrictEqual({
      ok: false,
      problem: {
        table: 'test-state',
        key: { pk: 'acct#fill#2026-11-24', sk: 'exec-1' },
        expectedType: 'fill',
        reason: 'older_schema',
        message:
          'test-state item pk="acct#fill#2026-11-24" sk="exec-1" (fill): written with schema version 0; this reader needs 1',
      },
    });
  });

  it('names every corrupt attribute of a corrupt item', () => {
    const item = { ...ORDER_ITEM.encode('acct', sampleOrder()), qty: '1e3', status: 'lost' };
    const decoded = decodeItem(ORDER_ITEM, item, 'test-state', KEYS);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.problem.reason).toBe('corrupt');
    expect(decoded.problem.key).toStrictEqual({ pk: 'acct#order', sk: 'mom-1-AAPL-000001' });
    expect(decoded.problem.message).toContain('qty: not an exact decimal');
    expect(decoded.problem.message).toContain('status:');
  });

  it('refuses an item of another type and one from a newer schema', () => {
    const fill = FILL_ITEM.encode('acct', sampleFill);
    const asOrder = decodeItem(ORDER_ITEM, fill, 'test-state', KEYS);
    const newer = decodeItem(FILL_ITEM, { ...fill, v: 2 }, 'test-state', KEYS);
    expect(asOrder.ok ? null : asOrder.problem.reason).toBe('wrong_type');
    expect(newer.ok ? null : newer.problem.reason).toBe('newer_schema');
  });

  it('round-trips the lease record', () => {
    const lease = {
      account: 'acct',
      holderId: 'engine-a',
      fencingToken: 7,
      status: 'held' as const,
      acquiredAtMs: T0,
      renewedAtMs: T0 + 5000,
      expiresAtMs: T0 + 20_000,
      releasedAtMs: null,
      releaseReason: null,
    };
    const decoded = decodeItem(LEASE_ITEM, LEASE_ITEM.encode('acct', lease), 'test-lease', ['pk']);
    expect(decoded).toStrictEqual({ ok: true, value: lease });
  });
});
