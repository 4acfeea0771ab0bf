/**
 * The trade-updates client against the simulator over loopback: refused keys stop it for good,
 * with no retry storm at the venue.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamState } from '../../../../shared/broker/alpaca/stream-connection-states.ts';
import { TradeUpdatesClient } from '../../../../shared/broker/alpaca/trade-updates-client.ts';
import { DEFAULT_SIM_KEY_ID } from '../../../../shared/broker/simulator-credentials.ts';
import { type Simulator, startSimulator } from '../../../../sim/simulator.ts';
import { waitFor } from './wait-for.ts';

const WRONG_SECRET = 'WRONG-SECRET-8d2e';

let sim: Simulator | undefined;
let client: TradeUpdatesClient | undefined;

afterEach(async () => {
  await client?.stop();
  client = undefined;
  await sim?.close();
  sim = undefined;
});

async function streamConnections(simulator: Simulator): Promise<number> {
  const response = await fetch(`${simulator.baseUrl}/admin/trading/state`);
  return ((await response.json()) as { stream_connections: number }).stream_connections;
}

describe('TradeUpdatesClient against the simulator', () => {
  it('stops for good on refused keys: one connection attempt, none left open, a message that says what to fix', async () => {
    sim = await startSimulator({ market: 'scripted', symbols: ['AAPL'] });
    const states: StreamState[] = [];
    client = new TradeUpdatesClient({
      url: sim.tradeUpdatesUrl,
      credentials: { keyId: DEFAULT_SIM_KEY_ID, secretKey: WRONG_SECRET },
      // Retrying would be quick, so a storm would show within the window below.
      backoff: { baseDelayMs: 5, maxDelayMs: 10 },
      onUpdate: () => undefined,
      onStateChange: (state) => states.push(state),
    });
    client.start();
    await waitFor('fatal', () => client!.state === 'fatal');

    // Over 30 retry periods, the venue never sees the client again.
    const seen: number[] = [];
    for (let sample = 0; sample < 15; sample++) {
      seen.push(await streamConnections(sim));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen).toStrictEqual(Array.from({ length: 15 }, () => 0));
    expect(states).toStrictEqual(['connecting', 'authenticating', 'fatal']);
    expect(client.readyCount).toBe(0);
    const error = client.fatalError!;
    expect(error.message).toBe(
      'the broker refused the API keys (trade updates: unauthorized): check APCA_API_KEY_ID / APCA_API_SECRET_KEY (local) or the Secrets Manager secret named by broker.credentials.secretId (AWS)',
    );
    expect(error.message).not.toContain(WRONG_SECRET);
  });
});
