import { createServer, type Server } from 'node:http';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { CredentialsError, loadBrokerCredentials } from '../../../shared/config/broker-credentials.ts';
import type { SystemConfig } from '../../../shared/config/system-schema.ts';
import { SecretRegistry } from '../../../shared/logging/secret-registry.ts';

const KEY_ID = 'PKLOOPBACKTEST000001';
const SECRET = 'loopback-secret-value-0123456789abcdef';

type Broker = SystemConfig['broker'];
const system = (broker: Partial<Broker>) =>
  ({
    broker: { venue: 'alpaca', credentials: { source: 'environment' }, ...broker } as Broker,
    store: { region: 'us-east-1', tablePrefix: 'test' },
  }) as Pick<SystemConfig, 'broker' | 'store'>;

/** Speaks Secrets Manager's JSON protocol on loopback: enough of GetSecretValue for the SDK. */
let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function secretsManager(secrets: Record<string, string>): Promise<SecretsManagerClient> {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      const value = secrets[SecretId];
      if (target !== 'secretsmanager.GetSecretValue' || value === undefined) {
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify({
            __type: 'ResourceNotFoundException',
            message: "Secrets Manager can't find the specified secret.",
          }),
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({
          ARN: `arn:aws:secretsmanager:us-east-1:1:secret:${SecretId}`,
          Name: SecretId,
          SecretString: value,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return new SecretsManagerClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${address.port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

describe('Function: loadBrokerCredentials', () => {
  it('reads the environment and registers both values for scrubbing', async () => {
    const secrets = new SecretRegistry();
    const credentials = await loadBrokerCredentials({
      system: system({}),
      env: { APCA_API_KEY_ID: KEY_ID, APCA_API_SECRET_KEY: SECRET },
      secrets,
    });
    expect(credentials).toStrictEqual({ keyId: KEY_ID, secretKey: SECRET });
    expect(secrets.scrub(`${KEY_ID}:${SECRET}`)).toBe('[REDACTED]:[REDACTED]');
  });

  it('falls back to the simulator defaults only for the simulator venue with no keys set', async () => {
    const defaults = { keyId: 'SIMKEYID', secretKey: 'SIMSECRETKEY' };
    expect(
      await loadBrokerCredentials({
        system: system({ venue: 'simulator' }),
        env: {},
        secrets: new SecretRegistry(),
      }),
    ).toStrictEqual(defaults);
    await expect(
      loadBrokerCredentials({
        system: system({}),
        env: {},
        secrets: new SecretRegistry(),
      }),
    ).rejects.toThrow('set APCA_API_KEY_ID and APCA_API_SECRET_KEY');
    await expect(
      loadBrokerCredentials({
        system: system({ venue: 'simulator' }),
        env: { APCA_API_KEY_ID: KEY_ID },
        secrets: new SecretRegistry(),
      }),
    ).rejects.toThrow(/set APCA_API_SECRET_KEY$/);
  });

  it('reads the key pair from Secrets Manager', async () => {
    const client = await secretsManager({
      'trading/alpaca/live': JSON.stringify({ keyId: KEY_ID, secretKey: SECRET }),
    });
    const credentials = await loadBrokerCredentials({
      system: system({ credentials: { source: 'secrets-manager', secretId: 'trading/alpaca/live' } }),
      env: {},
      secretsManager: client,
      secrets: new SecretRegistry(),
    });
    expect(credentials).toStrictEqual({ keyId: KEY_ID, secretKey: SECRET });
  });

  it.each([
    [
      'a missing secret',
      {},
      /cannot read secret trading\/alpaca\/live from Secrets Manager \(ResourceNotFoundException\)/,
    ],
    ['a secret that is not JSON', { 'trading/alpaca/live': SECRET }, /is not JSON/],
    [
      'a secret of the wrong shape',
      { 'trading/alpaca/live': JSON.stringify({ key: SECRET }) },
      /must hold exactly/,
    ],
  ])('reports %s without its value', async (_label, secrets, message) => {
    const client = await secretsManager(secrets);
    const error = await loadBrokerCredentials({
      system: system({ credentials: { source: 'secrets-manager', secretId: 'trading/alpaca/live' } }),
      env: {},
      secretsManager: client,
      secrets: new SecretRegistry(),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(SECRET);
  });
});
