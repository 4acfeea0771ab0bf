/**
 * The broker key pair, from where the config says it lives: the environment (local) or Secrets
 * Manager (AWS). Both values are registered with the process's secret registry the moment they
 * are read, so no log line, error or response can carry them afterwards. Errors name the
 * variable or secret that was wrong, never a value.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../broker/simulator-credentials.ts';
import { processSecrets, type SecretRegistry } from '../logging/secret-registry.ts';
import type { SystemConfig } from './system-schema.ts';

export interface BrokerCredentials {
  readonly keyId: string;
  readonly secretKey: string;
}

export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
}

const secretPayload = z.strictObject({ keyId: z.string().min(1), secretKey: z.string().min(1) });

export interface LoadBrokerCredentialsOptions {
  readonly system: Pick<SystemConfig, 'broker' | 'store'>;
  readonly env: NodeJS.ProcessEnv;
  /** Injected for tests; defaults to a client for the store's region. */
  readonly secretsManager?: SecretsManagerClient;
  readonly secrets?: SecretRegistry;
}

export async function loadBrokerCredentials(
  options: LoadBrokerCredentialsOptions,
): Promise<BrokerCredentials> {
  const credentials = await read(options);
  const registry = options.secrets ?? processSecrets;
  registry.register(credentials.keyId);
  registry.register(credentials.secretKey);
  return credentials;
}

async function read(options: LoadBrokerCredentialsOptions): Promise<BrokerCredentials> {
  const source = options.system.broker.credentials;
  if (source.source === 'environment') {
    const keyId = options.env.APCA_API_KEY_ID;
    const secretKey = options.env.APCA_API_SECRET_KEY;
    if (keyId && secretKey) return { keyId, secretKey };
    if (!keyId && !secretKey && options.system.broker.venue === 'simulator') {
      return { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY };
    }
    const missing = [
      keyId ? undefined : 'APCA_API_KEY_ID',
      secretKey ? undefined : 'APCA_API_SECRET_KEY',
    ].filter(Boolean);
    throw new CredentialsError(`broker keys come from the environment: set ${missing.join(' and ')}`);
  }
  const client = options.secretsManager ?? new SecretsManagerClient({ region: options.system.store.region });
  let text: string | undefined;
  try {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: source.secretId }));
    text = answer.SecretString;
  } catch (error) {
    const name = error instanceof Error ? error.name : 'unknown error';
    throw new CredentialsError(`cannot read secret ${source.secretId} from Secrets Manager (${name})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    throw new CredentialsError(`secret ${source.secretId} is not JSON; store {"keyId":"…","secretKey":"…"}`);
  }
  const result = secretPayload.safeParse(parsed);
  if (!result.success) {
    throw new CredentialsError(`secret ${source.secretId} must hold exactly {"keyId":"…","secretKey":"…"}`);
  }
  return result.data;
}
