/**
 * The official SDK (@alpacahq/alpaca-trade-api 4) pointed at a simulator: REST is redirected
 * with the SDK's own fetchApi option (its streams take a `url` option instead).
 */
import { Alpaca } from '@alpacahq/alpaca-trade-api';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import type { Simulator } from '../../../sim/simulator.ts';

export function sdkFor(sim: Simulator): Alpaca {
  const redirect: typeof fetch = (input, init) => {
    const original = new URL(input instanceof Request ? input.url : String(input));
    return fetch(`${sim.baseUrl}${original.pathname}${original.search}`, init);
  };
  return new Alpaca({
    keyId: DEFAULT_SIM_KEY_ID,
    secret: DEFAULT_SIM_SECRET_KEY,
    paper: true,
    retry: false,
    rateLimit: false,
    fetchApi: redirect,
  });
}
