/** The engine API client for a Lambda, with its bearer token (when there is one) from Secrets Manager. */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import { EngineApiClient } from '../../shared/api/engine-api-client.ts';

const tokenSchema = z.string().min(1);

export async function engineApiFromSecret(options: {
  url: string;
  tokenSecretId: string | undefined;
}): Promise<EngineApiClient> {
  if (options.tokenSecretId === undefined) return new EngineApiClient({ baseUrl: options.url });
  const token = tokenSchema.parse(await getSecret(options.tokenSecretId, { maxAge: 300 }));
  return new EngineApiClient({ baseUrl: options.url, token });
}
