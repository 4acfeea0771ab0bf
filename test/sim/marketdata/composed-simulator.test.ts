/**
 * The market-data half inside the composed simulator (sim/simulator.ts): its stream and REST
 * paths answer on the shared port next to trading, with the simulator's key pair, and the
 * generated market runs from its wall-clock timer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  multiBarsResponseSchema,
  stockQuoteMessageSchema,
} from '../../../shared/broker/alpaca/market-data/wire-schemas.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import { dataMessages, StreamClient } from './market-data-server.ts';

describe('Feature: market data in the composed simulator', () => {
  let sim: Simulator | undefined;
  let client: StreamClient | undefined;

  afterEach(async () => {
    client?.close();
    await sim?.close();
    sim = undefined;
  });

  it('streams live quotes on wall time and serves REST beside trading', async () => {
    sim = await startSimulator({ symbols: ['AAPL'], messagesPerSecond: 500 });
    client = new StreamClient(`ws://127.0.0.1:${sim.port}/v2/iex`);
    await client.authenticate(DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY);
    client.send({ action: 'subscribe', quotes: ['AAPL'] });
    await client.until((frames) => dataMessages(frames).length >= 5);
    for (const message of dataMessages(client.frames)) stockQuoteMessageSchema.parse(message);

    const headers = { 'APCA-API-KEY-ID': DEFAULT_SIM_KEY_ID, 'APCA-API-SECRET-KEY': DEFAULT_SIM_SECRET_KEY };
    const bars = await fetch(`${sim.baseUrl}/v2/stocks/bars?symbols=AAPL&timeframe=1Min`, { headers });
    expect(bars.status).toBe(200);
    multiBarsResponseSchema.parse(await bars.json());
    const account = await fetch(`${sim.baseUrl}/v2/account`, { headers });
    expect(account.status).toBe(200);
  });
});
