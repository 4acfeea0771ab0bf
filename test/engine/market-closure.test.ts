/**
 * A one-off closure end to end: the engine in process against a simulator whose calendar closes
 * today's New York date (its /v2/calendar omits the date, its /v2/clock says closed), with a
 * strategy that tries to buy on every quote. The broker's calendar decides: nothing is sent, the
 * day is not a session of its own, and the day-trade count does not move.
 */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RiskEvent } from '../../engine/risk/risk-events.ts';
import type { TradingEngine } from '../../engine/trading-engine.ts';
import { AlpacaTradingClient } from '../../shared/broker/alpaca/trading-client.ts';
import { fixedFromNumber, parseFixed } from '../../shared/domain/fixed.ts';
import type { Quote } from '../../shared/domain/market-data.ts';
import type { Strategy, StrategyContext } from '../../shared/strategies/strategy.ts';
import { addDays, newYorkDate } from '../../shared/time/new-york-time.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { SIM_CREDENTIALS as credentials, inProcessEngine } from '../support/in-process-engine.ts';
import { tempFolder } from '../support/temp-files.ts';

/** Buys one AAPL at the ask on every quote while it holds none: it would trade any open day. */
class EagerBuyer implements Strategy {
  readonly id = 'eager-buyer';
  readonly symbols = ['AAPL'];
  attempts = 0;

  onQuote(quote: Quote, context: StrategyContext): void {
    if (context.exposureQty('AAPL') !== 0n) return;
    this.attempts += 1;
    const price = fixedFromNumber(quote.askPrice);
    context.submit({
      intentId: `eager-${this.attempts}`,
      strategyId: this.id,
      symbol: 'AAPL',
      assetClass: 'us_equity',
      side: 'buy',
      qty: parseFixed('1'),
      type: 'limit',
      timeInForce: 'day',
      limitPrice: price,
      referencePrice: price,
      purpose: 'entry',
      createdAtMs: context.nowMs(),
    });
  }
}

async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await registry.getSingleMetric(name)!.get();
  return values.find((value) => Object.entries(labels).every(([k, v]) => value.labels[k] === v))?.value ?? 0;
}

describe('A market closure the NYSE rules do not know (engine in process, simulator over loopback)', () => {
  const folder = tempFolder();
  const today = newYorkDate(Date.now());
  // Tomorrow closed too, so a run that crosses New York midnight still runs on a closed day.
  const closedDates = [today, addDays(today, 1)];
  let simulator: Simulator;
  let engine: TradingEngine | undefined;

  beforeAll(async () => {
    simulator = await startSimulator({ market: 'scripted', symbols: ['AAPL', 'MSFT'], closedDates });
  });

  afterAll(async () => {
    await engine?.stop(1_000);
    await simulator?.close();
    folder.remove();
  });

  it('sends no order, gives the closed day no session and leaves the day-trade count alone', async () => {
    const registry = new Registry();
    const buyer = new EagerBuyer();
    engine = inProcessEngine({ folder, simulator, account: 'market-closure', strategies: [buyer], registry });
    const events: RiskEvent[] = [];
    engine.risk.events.subscribe((event) => events.push(event));
    const dayTradesBefore = engine.risk.snapshot().dayTrades;
    await engine.start();
    // Trading starts only once the broker's calendar is known.
    expect(engine.calendar.brokerCovers(Date.now())).toBe(true);
    expect(engine.calendar.isTradingDay(today)).toBe(false);

    const refusedClosed = () =>
      metricValue(registry, 'engine_intents_refused_total', { reason: 'market_closed' });
    for (let tries = 0; (await refusedClosed()) < 3 && tries < 200; tries++) {
      simulator.market.setQuote('AAPL', { bidPrice: 100, askPrice: 100.02, bidSize: 500, askSize: 500 });
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await refusedClosed()).toBeGreaterThanOrEqual(3);

    const broker = new AlpacaTradingClient({ baseUrl: simulator.baseUrl, credentials });
    try {
      expect(await broker.listOrders({ status: 'all', limit: 500 })).toStrictEqual([]);
      expect((await broker.getAccount()).daytradeCount).toBe(0);
    } finally {
      await broker.close();
    }
    const risk = engine.risk.snapshot();
    expect(risk.sessionDate).toBe(engine.calendar.nextTradingDay(today));
    expect(risk.sessionDate > today).toBe(true);
    expect(events.filter((event) => event.type === 'session_started')).toStrictEqual([]);
    expect(risk.dayTrades).toBe(dayTradesBefore);
    expect(buyer.attempts).toBeGreaterThanOrEqual(3);
  });
});
