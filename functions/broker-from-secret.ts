/**
 * The Alpaca trading client of a Lambda, with its key pair from Secrets Manager
 * ({"keyId":"…","secretKey":"…"}): resolved per run, cached by Powertools for five minutes, and
 * replaced when the key pair was rotated.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import { AlpacaTradingClient } from '../shared/broker/alpaca/trading-client.ts';

const brokerKeysSchema = z.object({ keyId: z.string().min(1), secretKey: z.string().min(1) });

export function brokerFromSecret(secretId: string, tradingUrl: string): () => Promise<AlpacaTradingClient> {
  let broker: { client: AlpacaTradingClient; keyId: string } | undefined;
  return async () => {
    const keys = brokerKeysSchema.parse(await getSecret(secretId, { transform: 'json', maxAge: 300 }));
    if (broker?.keyId !== keys.keyId) {
      await broker?.client.close();
      broker = {
        client: new AlpacaTradingClient({ baseUrl: tradingUrl, credentials: keys }),
        keyId: keys.keyId,
      };
    }
    return broker.client;
  };
}
