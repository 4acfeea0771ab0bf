/**
 * The staging path (Alpaca paper) without reaching Alpaca: the engine runs the shipped
 * config/system.staging.json, venue "alpaca", keys from the environment, with only the endpoint
 * URLs and the store overridden through the documented TRADING_* variables to point at the
 * simulator and a local DynamoDB. Same clients, same start-up, same reconciliation as on Alpaca.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../local/local-dynamo.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { bearer } from '../support/api-tokens.ts';
import { type EngineProcess, startEngine } from '../support/engine-process.ts';

const KEY_ID = 'PKSTAGINGTESTKEY';
const SECRET_KEY = 'staging-test-secret-0123456789';

describe('Engine on the staging config, pointed at the simulator', () => {
  let simulator: Simulator;
  let dynamo: LocalDynamo;
  let engine: EngineProcess | undefined;

  beforeAll(async () => {
    simulator = await startSimulator({
      port: 0,
      symbols: ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA'],
      messagesPerSecond: 200,
      keyId: KEY_ID,
      secretKey: SECRET_KEY,
    });
    dynamo = await startLocalDynamo({ tablePrefix: 'trading-staging' });
  });

  afterAll(async () => {
    if (engine !== undefined && engine.child.exitCode === null) engine.child.kill('SIGKILL');
    await simulator?.close();
    await dynamo?.close();
  });

  it('authenticates with the environment keys, reconciles, streams, and reports healthy', async () => {
    const base = `127.0.0.1:${simulator.port}`;
    engine = startEngine('config/system.staging.json', {
      APCA_API_KEY_ID: KEY_ID,
      APCA_API_SECRET_KEY: SECRET_KEY,
      TRADING_BROKER_TRADING_URL: `http://${base}`,
      TRADING_BROKER_TRADING_STREAM_URL: `ws://${base}/stream`,
      TRADING_BROKER_DATA_URL: `http://${base}`,
      TRADING_BROKER_MARKET_DATA_STREAM_URL: `ws://${base}/v2/iex`,
      TRADING_BROKER_CRYPTO_DATA_STREAM_URL: `ws://${base}/v1beta3/crypto/us`,
      TRADING_DYNAMODB_ENDPOINT: dynamo.endpoint,
      TRADING_HTTP_HOST: '127.0.0.1',
      TRADING_HTTP_PORT: '0',
    });
    const started = await engine.waitFor(/"msg":"engine started"/, 30_000);
    expect(JSON.parse(started)).toMatchObject({
      environment: 'staging',
      account: 'staging-paper',
      paper: true,
      venue: 'alpaca',
      strategies: ['trend'],
    });
    await engine.waitFor(/trading state reconciled; entries resume/, 30_000);
    await engine.waitFor(/"reason":"subscription confirmed"/, 30_000);
    const api = /"api":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(started)![1]!;
    const health = async () => (await (await fetch(`${api}/health`)).json()) as { status: string };
    for (let tries = 0; (await health()).status !== 'ok' && tries < 50; tries++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await health()).toMatchObject({ status: 'ok' });
    const metrics = await (await fetch(`${api}/metrics`, { headers: bearer('read') })).text();
    expect(metrics).toMatch(/^risk_reconciled 1$/m);
    expect(metrics).toMatch(/^risk_circuit_breaker_state\{state="normal"\} 1$/m);
    expect(metrics).toMatch(/^risk_circuit_breaker_state\{state="halted"\} 0$/m);

    engine.child.kill('SIGTERM');
    expect(await engine.exited).toBe(0);
    expect(engine.lines.filter((line) => line.includes(SECRET_KEY) || line.includes(KEY_ID))).toStrictEqual(
      [],
    );
  }, 90_000);
});
