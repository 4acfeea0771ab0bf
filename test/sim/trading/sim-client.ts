/** Test helpers: a simulator on virtual time and a tiny REST client for it over real sockets. */

import { expect } from 'vitest';
import { type AlpacaWireOrder, orderSchema } from '../../../shared/broker/alpaca/trading-schemas.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../../sim/simulator.ts';

/** Tuesday 2026-03-10 15:00 UTC = 11:00 New York (regular session). */
export const REGULAR_SESSION_MS = Date.UTC(2026, 2, 10, 15, 0, 0);

export const KEY_HEADERS = {
  'APCA-API-KEY-ID': DEFAULT_SIM_KEY_ID,
  'APCA-API-SECRET-KEY': DEFAULT_SIM_SECRET_KEY,
} as const;

export interface VirtualSim {
  readonly sim: Simulator;
  readonly clock: ManualClock;
}

export async function startVirtualSim(
  options: SimulatorOptions = {},
  startMs = REGULAR_SESSION_MS,
): Promise<VirtualSim> {
  const clock = new ManualClock(startMs);
  const sim = await startSimulator({
    symbols: ['AAPL', 'MSFT', 'BTC/USD'],
    market: 'scripted',
    ...options,
    clock,
  });
  return { sim, clock };
}

export interface RestAnswer {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and validate it with schemas.
  readonly body: any;
}

export async function rest(
  sim: Simulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = KEY_HEADERS,
): Promise<RestAnswer> {
  const response = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

/** Publishes a quote for a symbol now. */
export function quote(
  sim: Simulator,
  symbol: string,
  bid: number,
  ask: number,
  bidSize = 1000,
  askSize = 1000,
): void {
  const result = sim.market.setQuote(symbol, { bidPrice: bid, askPrice: ask, bidSize, askSize });
  if (!result.ok) throw new Error(result.reason);
}

/** Places a day market buy and expects the venue to accept it; returns the accepted order. */
export async function buyAtMarket(sim: Simulator, symbol: string, qty: number): Promise<AlpacaWireOrder> {
  const answer = await rest(sim, 'POST', '/v2/orders', {
    symbol,
    qty,
    side: 'buy',
    type: 'market',
    time_in_force: 'day',
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return orderSchema.parse(answer.body);
}
