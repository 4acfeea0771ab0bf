import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clientOrderIdFor } from '../../../engine/execution/client-order-id.ts';
import type { SubmitResult } from '../../../engine/execution/order-router.ts';
import { RiskManager } from '../../../engine/risk/risk-manager.ts';
import { loadConfig } from '../../../shared/config/load-config.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { systemClock } from '../../../shared/time/clock.ts';
import {
  armFault,
  type ExecutionStack,
  intent,
  positionsMatch,
  startExecutionStack,
  waitFor,
} from './router-harness.ts';

const f = parseFixed;

describe('Integration: OrderRouter against the simulator', () => {
  let stack: ExecutionStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  async function ordersAtBroker(active: ExecutionStack): Promise<string[]> {
    return (await active.client.listOrders({ status: 'all', limit: 500 })).map(
      (order) => order.clientOrderId,
    );
  }

  async function settled(active: ExecutionStack, expectedOrders: number): Promise<void> {
    await waitFor(() => active.tracker.openOrders().length === 0 && active.risk.fills.length > 0);
    const ids = await ordersAtBroker(active);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(expectedOrders);
    const fills = active.risk.fills;
    expect(new Set(fills).size).toBe(fills.length);
    const { ours, broker } = await positionsMatch(active);
    expect(ours).toStrictEqual(broker);
    expect(active.alarms).toStrictEqual([]);
  }

  it('routes an intent to one order, books its fill once, and matches the broker position', async () => {
    stack = await startExecutionStack();
    const wanted = intent();
    const result = await stack.router.submit(wanted);
    expect(result).toMatchObject({
      ok: true,
      clientOrderId: clientOrderIdFor('integration', wanted.intentId),
    });
    await settled(stack, 1);
    expect(stack.portfolio.position('AAPL')).toMatchObject({ qty: f('10'), avgEntryPrice: f('100.02') });
    // The same intent again (a strategy replaying after a restart of its own) is not a second order.
    expect(await stack.router.submit(wanted)).toMatchObject({ ok: false, reason: 'duplicate_intent' });
    // Finished orders can be dropped from memory without forgetting that the intent was served.
    const forgotten: string[] = [];
    expect(stack.router.forgetFinished(0, (clientOrderId) => forgotten.push(clientOrderId))).toBe(1);
    expect(forgotten).toStrictEqual([clientOrderIdFor('integration', wanted.intentId)]);
    expect(stack.tracker.size).toBe(0);
    expect(await stack.router.submit(wanted)).toMatchObject({ ok: false, reason: 'duplicate_intent' });
  });

  it.each([
    ['HTTP 500 before the order was taken', { kind: 'status', status: 500, when: 'before', count: 2 }],
    ['HTTP 503 after the order was accepted', { kind: 'status', status: 503, when: 'after', count: 1 }],
    ['HTTP 429 from the rate limiter', { kind: 'status', status: 429, when: 'before', count: 2 }],
    ['a timeout after the order was accepted', { kind: 'timeout', when: 'after', count: 1 }],
    ['a timeout before the order was taken', { kind: 'timeout', when: 'before', count: 1 }],
  ])('survives %s with exactly one order', async (_name, fault) => {
    stack = await startExecutionStack();
    await armFault(stack.sim, 'rest', { ...fault, method: 'POST', path: '/v2/orders' });
    const result: SubmitResult = await stack.router.submit(intent({ qty: f('7') }));
    expect(result.ok).toBe(true);
    await settled(stack, 1);
    expect(stack.portfolio.position('AAPL').qty).toBe(f('7'));
  });

  it('retries an order lookup that itself fails after an unknown outcome', async () => {
    stack = await startExecutionStack();
    await armFault(stack.sim, 'rest', { kind: 'timeout', when: 'after', method: 'POST', path: '/v2/orders' });
    await armFault(stack.sim, 'rest', {
      kind: 'status',
      status: 502,
      method: 'GET',
      path: '/v2/orders:by_client_order_id',
      count: 2,
    });
    expect((await stack.router.submit(intent({ qty: f('3') }))).ok).toBe(true);
    await settled(stack, 1);
    expect(stack.router.duplicateSubmitsAvoided).toBeGreaterThanOrEqual(1);
  });

  it('counts every fill once when the stream duplicates and reorders events', async () => {
    stack = await startExecutionStack();
    await armFault(stack.sim, 'events', { kind: 'duplicate', count: 20 });
    for (let i = 0; i < 3; i++) expect((await stack.router.submit(intent({ qty: f('2') }))).ok).toBe(true);
    await waitFor(() => stack!.risk.fills.length === 3);
    await armFault(stack.sim, 'events', { kind: 'reorder', count: 6 });
    expect((await stack.router.submit(intent({ side: 'sell', qty: f('1') }))).ok).toBe(true);
    expect(
      (await stack.router.submit(intent({ symbol: 'MSFT', qty: f('4'), referencePrice: f('400') }))).ok,
    ).toBe(true);
    await waitFor(() => stack!.risk.fills.length === 5);
    await settled(stack, 5);
    expect(stack.portfolio.position('AAPL').qty).toBe(f('5'));
    expect(stack.portfolio.position('MSFT').qty).toBe(f('4'));
  });

  it('pauses entries while the stream is down and books fills it missed once, from REST, before resuming', async () => {
    stack = await startExecutionStack();
    const active = stack;
    const resting = await active.router.submit(
      intent({ type: 'limit', limitPrice: f('99'), timeInForce: 'gtc', qty: f('6') }),
    );
    expect(resting.ok).toBe(true);
    await waitFor(() => active.tracker.openOrders()[0]?.status === 'new');

    // The stream goes quiet, the order fills unseen, then the connection drops.
    await armFault(active.sim, 'stream', { action: 'silence' });
    active.sim.market.setQuote('AAPL', { bidPrice: 98.5, askPrice: 98.9, bidSize: 10_000, askSize: 10_000 });
    await waitFor(() => active.sim.trading.engine.openOrders().length === 0);
    const whileDown: string[] = [];
    active.onState = (state) => {
      if (state === 'reconnecting') {
        const refused = active.router.prepare(intent());
        whileDown.push(refused.ok ? 'sent' : refused.reason);
        expect(active.router.prepare(intent({ side: 'sell', qty: f('1'), purpose: 'exit' })).ok).toBe(true);
      }
    };
    await armFault(active.sim, 'stream', { action: 'resume' });
    await armFault(active.sim, 'stream', { action: 'drop' });
    await waitFor(() => active.stream.readyCount === 2 && active.router.entriesAllowed);

    // One refusal per reconnect attempt (a loaded machine may need more than one).
    expect(whileDown.length).toBeGreaterThan(0);
    expect(new Set(whileDown)).toStrictEqual(new Set(['trading_paused']));
    expect(active.risk.unreconciled).toBe(1);
    expect(active.portfolio.position('AAPL')).toMatchObject({ qty: f('6'), avgEntryPrice: f('98.9') });
    await settled(active, 1);
    expect(await active.router.submit(intent({ side: 'sell', qty: f('6'), purpose: 'exit' }))).toMatchObject({
      ok: true,
    });
    await waitFor(() => active.portfolio.position('AAPL').qty === 0n);
    expect((await positionsMatch(active)).broker).toStrictEqual([]);
  });

  it('reports a broker refusal as a value with Alpaca code and message', async () => {
    stack = await startExecutionStack();
    const result = await stack.router.submit(intent({ qty: f('1000000') }));
    expect(result).toMatchObject({ ok: false, reason: 'broker_rejected', status: 403, brokerCode: 40310000 });
    expect(stack.risk.statuses.at(-1)?.[1]).toBe('rejected');
    // Sent, failed, and the refusal's answer time counted for the CloudWatch metrics.
    expect([stack.orders.sent, stack.orders.failed]).toStrictEqual([1, 1]);
    expect(stack.orders.takeLatenciesMs()).toHaveLength(1);
  });

  it('cancels a resting order and replaces a partly filled one with the remaining quantity', async () => {
    stack = await startExecutionStack();
    const active = stack;
    const cancelMe = await active.router.submit(
      intent({ type: 'limit', limitPrice: f('95'), timeInForce: 'gtc' }),
    );
    expect(cancelMe.ok).toBe(true);
    const id = (cancelMe as { clientOrderId: string }).clientOrderId;
    await waitFor(() => active.tracker.get(id)?.status === 'new');
    // The cancel's answer is lost after it took effect: the retry is refused, and still reported done.
    await armFault(active.sim, 'rest', {
      kind: 'status',
      status: 503,
      when: 'after',
      method: 'DELETE',
      path: '/v2/orders/*',
    });
    expect(await active.router.cancel(id)).toStrictEqual({ ok: true, clientOrderId: id });
    await waitFor(() => active.tracker.get(id)?.status === 'canceled');
    expect(await active.router.cancel(id)).toMatchObject({ ok: false, reason: 'already_final' });

    // Only 4 shares offered at 100.02: a limit buy of 10 fills 4 and rests for 6.
    active.sim.market.setQuote('AAPL', { bidPrice: 100, askPrice: 100.02, bidSize: 100, askSize: 4 });
    const partial = await active.router.submit(
      intent({ type: 'limit', limitPrice: f('100.05'), timeInForce: 'gtc' }),
    );
    const partialId = (partial as { clientOrderId: string }).clientOrderId;
    await waitFor(() => active.tracker.get(partialId)?.status === 'partially_filled');
    active.sim.market.setQuote('AAPL', { bidPrice: 100.5, askPrice: 100.6, bidSize: 100, askSize: 100 });
    const replaced = await active.router.replace(partialId, { limitPrice: f('100.1') });
    expect(replaced).toMatchObject({ ok: true, order: { qty: f('6') } });
    await waitFor(() => active.tracker.get(partialId)?.status === 'replaced');
    const { ours, broker } = await positionsMatch(active);
    expect(ours).toStrictEqual(broker);
    expect(active.portfolio.position('AAPL').qty).toBe(f('4'));
  });

  it('goes through the real risk manager: fails closed until reconciled, bounds a market order, denies a fat finger', async () => {
    const { risk: limits } = loadConfig({
      systemFile: join(import.meta.dirname, '../../../config/system.json'),
      env: {},
    });
    const riskManager = new RiskManager({ limits, clock: systemClock });
    const refusedBeforeStart = riskManager.check(intent());
    expect(refusedBeforeStart).toMatchObject({ ok: false, code: 'positions_unreconciled' });

    stack = await startExecutionStack({ risk: riskManager });
    riskManager.onQuote('AAPL', 100, 100.02, systemClock.nowUs());
    const bought = await stack.router.submit(intent({ qty: f('5') }));
    // Market orders go as marketable limits at risk's protective bound (1% beyond the ask).
    expect(bought).toMatchObject({ ok: true, order: { type: 'limit', limitPrice: f('101.02') } });
    await waitFor(() => stack!.portfolio.position('AAPL').qty === f('5'));
    expect(riskManager.symbolExposure('AAPL')).toBeGreaterThan(0n);

    riskManager.onQuote('AAPL', 100, 100.02, systemClock.nowUs());
    expect(
      await stack.router.submit(intent({ qty: f('5000'), type: 'limit', limitPrice: f('100') })),
    ).toMatchObject({
      ok: false,
      reason: 'risk_denied',
      denial: { code: 'order_qty_exceeded' },
    });
    const { ours, broker } = await positionsMatch(stack);
    expect(ours).toStrictEqual(broker);
  });

  it('measures each fill against the decision price and exports it', async () => {
    stack = await startExecutionStack({ slippageBps: 10 });
    expect((await stack.router.submit(intent({ referencePrice: f('100.02') }))).ok).toBe(true);
    await waitFor(() => stack!.slippage.recent().length === 1);
    // The simulator fills 10 bps through the ask, rounded away from us to the tick: 100.12002 → 100.13.
    expect(stack.slippage.recent()[0]).toMatchObject({ fillPrice: f('100.13'), referencePrice: f('100.02') });
    expect(stack.slippage.recent()[0]!.bps).toBeCloseTo(10.998, 3);
    expect(await stack.metrics.metrics()).toContain(
      'execution_fill_slippage_bps_count{symbol="AAPL",side="buy"} 1',
    );
    // One order, one execution: what the soak reports as the run's orders and fills.
    const text = await stack.metrics.metrics();
    expect(text).toContain('execution_orders_sent_total 1\n');
    expect(text).toContain('execution_fills_booked_total 1\n');
  });
});
