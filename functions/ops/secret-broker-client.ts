/**
 * The broker's trading client for a Lambda, with the key pair read from Secrets Manager (cached by
 * Powertools for five minutes): a rotated key pair replaces the client, so a rotation needs no
 * redeploy and no cold start.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import { AlpacaTradingClient } from '../../shared/broker/alpaca/trading-client.ts';

const brokerKeysSchema = z.object({ keyId: z.string().min(1), secretKey: z.string().min(1) });

export function secretBrokerClient(options: {
  secretId: string;
  tradingUrl: string;
}): () => Promise<AlpacaTradingClient> {
  let broker: { client: AlpacaTradingClient; keyId: string } | undefined;
  return async () => {
    const keys = brokerKeysSchema.parse(
      await getSecret(options.secretId, { transform: 'json', maxAge: 300 }),
    );
    if (broker?.keyId !== keys.keyId) {
      await broker?.client.close();
      broker = {
        client: new AlpacaTradingClient({ baseUrl: options.tradingUrl, credentials: keys }),
        keyId: keys.keyId,
      };
    }
    return broker.client;
  };
}
