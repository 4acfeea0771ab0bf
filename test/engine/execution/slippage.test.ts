import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SlippageRecorder } from '../../../engine/execution/slippage.ts';
import type { Fill } from '../../../shared/domain/fill.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { slippageBps } from '../../../shared/domain/slippage-bps.ts';

const f = parseFixed;

describe('Module: slippage', () => {
  it.each([
    ['buy', '100', '100.05', 5],
    ['buy', '100', '99.9', -10],
    ['sell', '100', '99.98', 2],
    ['sell', '250', '250.5', -20],
  ] as const)('a %s referenced at %s and filled at %s slipped %d bps', (side, reference, price, bps) => {
    expect(slippageBps(side, f(reference), f(price))).toBeCloseTo(bps, 9);
  });

  it('keeps each fill and exports a histogram by symbol and side', async () => {
    const registry = new Registry();
    const recorder = new SlippageRecorder(registry, 2);
    const fill = (executionId: string, price: string): Fill => ({
      executionId,
      orderId: 'o',
      clientOrderId: 'c',
      symbol: 'AAPL',
      side: 'buy',
      qty: f('1'),
      price: f(price),
      timestampMs: 0,
    });
    recorder.record(fill('e1', '100.01'), f('100'));
    recorder.record(fill('e2', '100.02'), f('100'));
    recorder.record(fill('e3', '100.03'), f('100'));
    expect(recorder.recent().map((record) => record.executionId)).toStrictEqual(['e2', 'e3']);
    const text = await registry.metrics();
    expect(text).toContain('execution_fill_slippage_bps_count{symbol="AAPL",side="buy"} 3');
    expect(text).toContain('execution_fill_slippage_bps_bucket{le="2",symbol="AAPL",side="buy"} 2');
  });
});
