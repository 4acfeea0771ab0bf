/**
 * What `npm run job` runs against: the local stack that `npm start` runs (found through its
 * endpoints file), or the environment a config names (its DynamoDB region or endpoint, its broker,
 * its engine API). Every address is resolved here, once, and every missing one is named.
 */
import type { Config } from '../shared/config/load-config.ts';
import { type LocalEndpoints, localEndpointsFile, readLocalEndpoints } from './local-endpoints.ts';

export interface OpsConnection {
  /** Undefined: AWS DynamoDB in the config's region. */
  readonly dynamoEndpoint: string | undefined;
  readonly tradingUrl: string;
  readonly engineApi: string;
  /** The local stack's read token, when the engine API is the local stack's. */
  readonly engineApiToken: string | undefined;
  /** Where the addresses came from, for the output. */
  readonly source: 'local stack' | 'config';
}

export interface OpsConnectionOptions {
  readonly config: Config;
  /** The local stack's data folder (`npm start --data`), beside which its endpoints file lives. */
  readonly dataFolder: string;
  readonly engineUrl?: string;
}

export function resolveOpsConnection(options: OpsConnectionOptions): OpsConnection {
  const { system } = options.config;
  const file = localEndpointsFile(options.dataFolder);
  const local: LocalEndpoints | undefined =
    system.environment === 'development' ? readLocalEndpoints(file) : undefined;
  const dynamoEndpoint = system.store.endpoint ?? local?.dynamoEndpoint;
  if (dynamoEndpoint === undefined && system.environment === 'development') {
    throw new Error(
      `no local stack is running (${file} is absent; start one with npm start) and the config names no store.endpoint`,
    );
  }
  const engineApi =
    options.engineUrl ?? local?.engineApi ?? `http://${system.engine.http.host}:${system.engine.http.port}`;
  return {
    dynamoEndpoint,
    tradingUrl:
      (system.broker.venue === 'simulator' ? local?.tradingUrl : undefined) ?? system.broker.tradingUrl,
    engineApi,
    // A token goes only to the engine it was made for.
    engineApiToken: engineApi === local?.engineApi ? local.apiTokens?.read : undefined,
    source: local === undefined ? 'config' : 'local stack',
  };
}
