import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeploymentConfigError, loadEnvironmentDeployment } from '../../infra/deployment-config.ts';
import { ENVIRONMENTS } from '../../shared/config/system-schema.ts';
import {
  type DeploymentFixture,
  deploymentFixture,
  type Json,
  shippedDeployment,
  twoAccountStaging,
} from '../support/deployment-fixture.ts';

describe('Function: loadEnvironmentDeployment', () => {
  let fixture: DeploymentFixture;
  beforeEach(() => {
    fixture = deploymentFixture();
  });
  afterEach(() => fixture.remove());

  const load = (environment: (typeof ENVIRONMENTS)[number] = 'staging') =>
    loadEnvironmentDeployment(environment, { file: fixture.file });
  const problems = (environment: (typeof ENVIRONMENTS)[number] = 'staging'): readonly string[] => {
    try {
      load(environment);
    } catch (error) {
      if (error instanceof DeploymentConfigError) return error.problems;
      throw error;
    }
    throw new Error('the deployment loaded');
  };

  it.each(ENVIRONMENTS)('loads the shipped deployment of %s, one account each', (environment) => {
    const deployment = loadEnvironmentDeployment(environment);
    expect(deployment.accounts.map((account) => account.name)).toStrictEqual([
      { development: 'dev-paper', staging: 'staging-paper', production: 'production-live' }[environment],
    ]);
    for (const account of deployment.accounts) {
      expect(account.config.system.environment).toBe(environment);
      expect(account.config.system.broker.venue).toBe('alpaca');
    }
  });

  it('loads two accounts of one environment, each with its own config', () => {
    twoAccountStaging(fixture);
    const deployment = load();
    expect(
      deployment.accounts.map((account) => [account.name, account.config.system.store.tablePrefix]),
    ).toStrictEqual([
      ['staging-paper', 'trading-staging'],
      ['staging-b', 'trading-staging-b'],
    ]);
  });

  it('reports every reason an account cannot run in AWS, at once', () => {
    const system = fixture.shipped('system.staging.json') as Json & {
      environment: string;
      broker: Json;
      engine: { http: Json };
      store: Json;
    };
    system.environment = 'development';
    system.broker.credentials = { source: 'secrets-manager', secretId: 'x/y' };
    system.engine.http.host = '127.0.0.1';
    system.store.region = 'eu-west-1';
    fixture.writeSystem('system.staging.json', system);
    fixture.writeDeployment(shippedDeployment());
    const found = problems();
    expect(found).toHaveLength(4);
    expect(found.join('\n')).toMatch(/environment is development, but it is listed under staging/);
    expect(found.join('\n')).toMatch(/credentials.source must be "environment"/);
    expect(found.join('\n')).toMatch(/engine.http.host must be 0.0.0.0/);
    expect(found.join('\n')).toMatch(/store.region is eu-west-1, but the environment deploys to us-east-1/);
  });

  it('refuses the simulator venue: it runs locally only', () => {
    const system = fixture.shipped('system.json') as Json & { broker: Json; engine: { http: Json } };
    system.broker.credentials = { source: 'environment' };
    system.engine.http.host = '0.0.0.0';
    system.strategies = [];
    fixture.writeSystem('system.dev.json', system);
    fixture.writeDeployment(shippedDeployment());
    expect(problems('development')).toStrictEqual([
      'system.dev.json: broker.venue must be alpaca in AWS (the simulator runs locally only)',
    ]);
  });

  it('refuses two accounts that share a name, tables or queues', () => {
    twoAccountStaging(fixture);
    const second = fixture.shipped('system.staging.json') as Json & { store: Json };
    second.store.tablePrefix = 'trading-staging';
    fixture.writeSystem('system.staging-b.json', second);
    expect(problems()).toStrictEqual([
      'system.staging-b.json: account.name staging-paper is already used by system.staging.json',
      'system.staging-b.json: store.tablePrefix trading-staging is already used by system.staging.json',
    ]);
  });

  it('names the bad keys of the deployment file itself', () => {
    const deployment = shippedDeployment() as { environments: Record<string, Record<string, unknown>> };
    const staging = deployment.environments.staging!;
    staging.engine = { cpu: 512, memoryMiB: 512 };
    staging.alarms = { orderLatencyP99Ms: { page: 500, notify: 900 } };
    staging.operatorAccess = { allowedCidrs: ['203.0.113.0/24', '10.0.0.0/33', 'not-a-cidr'] };
    staging.region = 'Virginia';
    fixture.writeDeployment(deployment);
    expect(problems()).toStrictEqual([
      'environments.staging.region: must be an AWS region such as us-east-1',
      'environments.staging.operatorAccess.allowedCidrs.1: must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24',
      'environments.staging.operatorAccess.allowedCidrs.2: must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24',
      'environments.staging.engine.memoryMiB: with cpu 512 Fargate takes 1024-4096 MiB in steps of 1024',
      'environments.staging.alarms.orderLatencyP99Ms.notify: must be below page: the notification comes before the page',
    ]);
  });

  it('says which environment is not deployed, and which file is unreadable', () => {
    const deployment = shippedDeployment() as { environments: Record<string, unknown> };
    delete deployment.environments.development;
    fixture.writeDeployment(deployment);
    expect(problems('development')).toStrictEqual([
      'environments.development: the environment is not deployed',
    ]);
    const missing = shippedDeployment() as { environments: Record<string, { accounts: unknown }> };
    missing.environments.staging!.accounts = [{ config: 'system.nowhere.json' }];
    fixture.writeDeployment(missing);
    expect(problems()).toStrictEqual([
      expect.stringMatching(/^system.nowhere.json: .*system.nowhere.json: cannot read the file/s),
    ]);
  });
});
