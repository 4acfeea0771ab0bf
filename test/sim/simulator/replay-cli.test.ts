import { afterEach, describe, expect, it } from 'vitest';
import { orderSchema } from '../../../shared/broker/alpaca/trading-schemas.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { parseSimulatorArgs } from '../../../sim/cli/simulator-args.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import { tempFolder } from '../../support/temp-files.ts';
import { dataMessages, StreamClient } from '../marketdata/market-data-server.ts';
import { StreamClient as TradeUpdatesClient } from '../stream/stream-client.ts';
import { buyAtMarket, REGULAR_SESSION_MS, rest } from '../trading/sim-client.ts';

const SESSION = [
  '# AAPL and MSFT, written for this test',
  '{"T":"q","S":"AAPL","bx":"K","bp":189.98,"bs":1,"ax":"Q","ap":190.02,"as":4,"c":["R"],"z":"C","t":"2026-11-24T15:00:00.000104226Z"}',
  '{"T":"t","S":"AAPL","i":8,"x":"V","p":189.98,"s":200,"c":["@"],"z":"C","t":"2026-11-24T15:00:00.000164987Z"}',
  '{"T":"q","S":"MSFT","bx":"N","bp":410.1,"bs":2,"ax":"P","ap":410.14,"as":3,"c":["R"],"z":"C","t":"2026-11-24T15:00:00.2Z"}',
  '{"T":"q","S":"AAPL","bx":"V","bp":190,"bs":3,"ax":"Q","ap":190.03,"as":5,"c":["R"],"z":"C","t":"2026-11-24T15:00:00.5Z"}',
  '{"T":"t","S":"AAPL","i":9,"x":"Q","p":190.03,"s":100,"c":["@"],"z":"C","t":"2026-11-24T15:00:01Z"}',
  '{"T":"q","S":"AAPL","bx":"Z","bp":190.01,"bs":2,"ax":"V","ap":190.05,"as":6,"c":["R"],"z":"C","t":"2026-11-24T15:00:01.25Z"}',
];

describe('Feature: replay from the command line', () => {
  const folder = tempFolder();
  let sim: Simulator | undefined;
  const clients: { close(): void }[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await sim?.close();
    sim = undefined;
  });

  it('streams exactly the file to a subscriber, from its first line, and fills against the replayed quotes', async () => {
    const file = folder.write('session.ndjson', `${SESSION.join('\n')}\n`);
    const parsed = parseSimulatorArgs([
      '--port',
      '0',
      '--symbols',
      'AAPL',
      '--replay',
      file,
      '--replay-speed',
      'max',
    ]);
    if (parsed.kind !== 'run') throw new Error(JSON.stringify(parsed));
    sim = await startSimulator(parsed.options);

    // An order placed before the replay starts finds no quote (nothing generated, nothing seeded) and waits.
    const updates = await TradeUpdatesClient.listening(
      sim.tradeUpdatesUrl,
      DEFAULT_SIM_KEY_ID,
      DEFAULT_SIM_SECRET_KEY,
    );
    clients.push(updates);
    const placed = await buyAtMarket(sim, 'AAPL', 1);
    await updates.waitForUpdates(2);
    expect(updates.updates().map((update) => update.event)).toStrictEqual(['pending_new', 'new']);

    const data = new StreamClient(`ws://127.0.0.1:${sim.port}/v2/iex`);
    clients.push(data);
    await data.authenticate(DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY);
    data.send({ action: 'subscribe', trades: ['AAPL'], quotes: ['AAPL'] });
    await data.frameCount(3);
    expect(await sim.replayDone).toStrictEqual({ published: 6, rejected: 0, problems: [], stopped: false });
    await data.barrier();
    const expected = SESSION.filter((line) => line.includes('"S":"AAPL"')).map((line) => JSON.parse(line));
    expect(dataMessages(data.frames)).toStrictEqual(expected);

    await updates.waitForUpdates(3);
    expect(updates.updates()[2]).toMatchObject({ event: 'fill', price: '190.02' });
    const order = orderSchema.parse((await rest(sim, 'GET', `/v2/orders/${placed.id}`)).body);
    expect(order).toMatchObject({ status: 'filled', filled_avg_price: '190.02' });
  });

  it('refuses a replayed market on a virtual clock', async () => {
    const file = folder.write('empty.ndjson', '');
    await expect(
      startSimulator({ clock: new ManualClock(REGULAR_SESSION_MS), market: { replay: file, speed: 1 } }),
    ).rejects.toThrow('wall time');
  });
});
