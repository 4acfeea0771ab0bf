/**
 * Notifications from a running engine against the simulator: the engine in this process with a
 * notifier posting to a webhook receiver on loopback, and an engine process (node engine/main.ts)
 * configured only by its environment, as a container is.
 */

import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EngineNotifier } from '../../../engine/notifications/engine-notifier.ts';
import { SlackWebhookSink } from '../../../engine/notifications/slack-webhook-sink.ts';
import type { TradingEngine } from '../../../engine/trading-engine.ts';
import { systemClock } from '../../../shared/time/clock.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import {
  type EngineOnSimulator,
  pullKillSwitchOnAdoptedPosition,
  SHIPPED_RISK_FILE,
  startEngineOnSimulator,
} from '../../support/engine-on-simulator.ts';
import { engineConfig, startEngine } from '../../support/engine-process.ts';
import { buyAtVenue, inProcessEngine } from '../../support/in-process-engine.ts';
import { tempFolder } from '../../support/temp-files.ts';
import { startWebhookReceiver, type WebhookReceiver } from './notifications-fixture.ts';

describe('Feature: the kill switch pages through the webhook (engine in process, simulator)', () => {
  const folder = tempFolder();
  let simulator: Simulator | undefined;
  let receiver: WebhookReceiver | undefined;
  let engine: TradingEngine | undefined;
  let notifier: EngineNotifier | undefined;

  afterEach(async () => {
    await engine?.stop(1_000);
    await notifier?.close();
    await receiver?.close();
    await simulator?.close();
  });

  afterAll(() => folder.remove());

  it('posts one P0 naming the operator, the reason and the position it closes', async () => {
    // Prepare
    simulator = await startSimulator({ market: 'scripted', symbols: ['AAPL', 'MSFT'] });
    simulator.market.setQuote('AAPL', { bidPrice: 100, askPrice: 100.02, bidSize: 500, askSize: 500 });
    await buyAtVenue(simulator, 'AAPL', '3', 'manual-buy-1');
    receiver = await startWebhookReceiver();
    notifier = new EngineNotifier({
      account: 'notify-in-process',
      environment: 'development',
      sinks: [new SlackWebhookSink({ url: receiver.url })],
      feedDownAfterMs: 5_000,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
    });
    engine = inProcessEngine({ folder, simulator, account: 'notify-in-process', notifier });
    await engine.start();
    for (let tries = 0; engine.portfolio.openPositions().length === 0 && tries < 200; tries++)
      await new Promise((resolve) => setTimeout(resolve, 20));

    // Act
    const outcome = await engine
      .control()
      .killSwitch({ role: 'operator', operator: 'alice', reason: 'notification drill' });

    // Assess
    expect(outcome.ok).toBe(true);
    const [posted] = await receiver.received(1);
    expect(posted!.text).toBe('[P0] kill switch thrown by alice');
    expect(posted!.blocks[1]).toStrictEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'Reason: notification drill. Cancelling 0 working orders; closing AAPL 3. The breaker is halted until an operator resets it.',
      },
    });
    // The breaker's own halt is not a second message.
    await notifier.close();
    expect(receiver.bodies).toHaveLength(1);
  });
});

describe('Feature: notifications configured by the engine process environment', () => {
  const folder = tempFolder();
  let stack: EngineOnSimulator | undefined;
  let receiver: WebhookReceiver | undefined;

  afterEach(async () => {
    await stack?.close();
    await receiver?.close();
    stack = undefined;
    receiver = undefined;
  });

  afterAll(() => folder.remove());

  it('posts the kill switch to TRADING_NOTIFY_WEBHOOK_URL, whose value no log line shows', async () => {
    receiver = await startWebhookReceiver();
    stack = await startEngineOnSimulator({
      folder,
      tablePrefix: 'notify-process',
      account: 'notify-process',
      seed: 21,
      env: { TRADING_NOTIFY_WEBHOOK_URL: receiver.url },
    });

    await pullKillSwitchOnAdoptedPosition(stack, { clientOrderId: 'notify-buy-1', reason: 'drill' });

    const [posted] = await receiver.received(1, 30_000);
    expect(posted!.text).toBe('[P0] kill switch thrown by alice');
    await stack.engine.waitFor(/"msg":"P0 kill switch thrown by alice"/, 10_000);
    expect(stack.engine.lines.join('\n')).not.toContain('secret-part-of-the-url');
  });

  it('pages the lease loss of an engine another engine took over from, before the loser exits', async () => {
    receiver = await startWebhookReceiver();
    stack = await startEngineOnSimulator({
      folder,
      tablePrefix: 'notify-lease',
      account: 'notify-lease',
      seed: 22,
      env: { TRADING_NOTIFY_WEBHOOK_URL: receiver.url },
    });
    const loser = stack.engine;

    // It hangs past its lease; a second engine takes the account; it runs again and finds out.
    loser.child.kill('SIGSTOP');
    const winner = startEngine(stack.configFile, {}, SHIPPED_RISK_FILE);
    try {
      await winner.waitFor(/trading state reconciled; entries resume/, 30_000);
      loser.child.kill('SIGCONT');

      expect(await loser.exited).toBe(3);
      // Its feeds' sockets may also have lapsed in the pause; the lease's message is the one that must be there.
      expect(receiver.bodies.map((body) => body.text)).toContain(
        '[P0] engine lease lost: the engine stopped trading',
      );
    } finally {
      loser.child.kill('SIGCONT');
      winner.child.kill('SIGTERM');
      await winner.exited;
    }
  }, 60_000);

  it('refuses to start with a bad variable, naming it and not quoting the URL (exit 1)', async () => {
    const configFile = folder.write(
      'bad-notify.json',
      engineConfig({
        simulatorPort: 1,
        dynamo: { region: 'us-east-1', endpoint: 'http://127.0.0.1:1' },
        tablePrefix: 'unused',
        account: 'bad-notify',
        strategies: [],
      }),
    );

    const engine = startEngine(
      configFile,
      {
        TRADING_NOTIFY_WEBHOOK_URL: 'http://hooks.example.com/services/T000/B000/secret-part-of-the-url',
        TRADING_PAGE_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:page',
      },
      SHIPPED_RISK_FILE,
    );

    expect(await engine.exited).toBe(1);
    const output = engine.lines.join('\n');
    expect(output).toContain('TRADING_NOTIFY_WEBHOOK_URL must be https (plain http only to a loopback host)');
    expect(output).toContain('TRADING_NOTIFY_TOPIC_ARN is needed too');
    expect(output).not.toContain('secret-part-of-the-url');
    expect(output).not.toContain('hooks.example.com');
  });
});
