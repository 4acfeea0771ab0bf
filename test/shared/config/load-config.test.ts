import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config/config-error.ts';
import { loadConfig, validateConfig } from '../../../shared/config/load-config.ts';
import { LIVE_TRADING_ACKNOWLEDGEMENT } from '../../../shared/config/system-schema.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { CONFIG_DIR, shippedSystemConfig } from '../../support/shipped-config.ts';
import { tempFolder } from '../../support/temp-files.ts';

const RISK_FILE = join(CONFIG_DIR, 'risk_limits.toml');
const shipped = shippedSystemConfig;
const shippedRisk = readFileSync(RISK_FILE, 'utf8');

let folder = tempFolder();
afterEach(() => {
  folder.remove();
  folder = tempFolder();
});

function issuesFor(system: unknown, risk = shippedRisk, env: NodeJS.ProcessEnv = {}) {
  const systemFile = folder.write('system.json', JSON.stringify(system));
  const riskFile = folder.write('risk.toml', risk);
  const result = validateConfig({ systemFile, riskFile, env });
  if (result.ok) throw new Error('expected the config to be invalid');
  return { issues: result.issues, systemFile, riskFile };
}

describe('Function: loadConfig', () => {
  describe.each(['system.json', 'system.staging.json', 'system.production.json'])('shipped %s', (name) => {
    it('loads, typed and frozen', () => {
      const config = loadConfig({ systemFile: join(CONFIG_DIR, name), env: {} });
      expect(config.risk.limits.max_position_notional_usd).toBe(parseFixed('10000'));
      expect(config.risk.limits.max_total_exposure_usd).toBe(parseFixed('50000'));
      expect(config.risk.limits.max_open_positions).toBe(5);
      expect(config.risk.loss.daily_loss_limit_usd).toBe(parseFixed('5000'));
      expect(config.risk.loss.stop_loss_pct).toBe(parseFixed('2'));
      expect(config.risk.loss.trailing_stop_pct).toBe(parseFixed('1.5'));
      expect(config.risk.circuit_breaker).toStrictEqual({
        enabled: true,
        max_consecutive_losses: 5,
        cooldown_minutes: 60,
        auto_resume: false,
      });
      expect(config.risk.broker.requests_per_minute).toBe(200);
      expect(Object.isFrozen(config.system.marketData.symbols)).toBe(true);
      expect(() => {
        (config.system.account as { paper: boolean }).paper = false;
      }).toThrow(TypeError);
    });
  });

  it('production is live on Alpaca with the IEX stream and five symbols', () => {
    const { system } = loadConfig({ systemFile: join(CONFIG_DIR, 'system.production.json'), env: {} });
    expect(system.account.paper).toBe(false);
    expect(system.broker.tradingUrl).toBe('https://api.alpaca.markets');
    expect(system.broker.marketDataStreamUrl).toBe('wss://stream.data.alpaca.markets/v2/iex');
    expect(system.marketData.symbols).toStrictEqual(['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA']);
  });

  it('publishes CloudWatch metrics in staging and production every minute, not in development', () => {
    const interval = (name: string) =>
      loadConfig({ systemFile: join(CONFIG_DIR, name), env: {} }).system.engine.cloudwatchMetrics;
    expect(interval('system.staging.json')).toStrictEqual({ intervalSeconds: 60 });
    expect(interval('system.production.json')).toStrictEqual({ intervalSeconds: 60 });
    expect(interval('system.json')).toBeUndefined();
    const system = shipped('system.json') as { engine: Record<string, unknown> };
    system.engine.cloudwatchMetrics = {};
    const systemFile = folder.write('defaulted.json', JSON.stringify(system));
    expect(
      loadConfig({ systemFile, riskFile: RISK_FILE, env: {} }).system.engine.cloudwatchMetrics,
    ).toStrictEqual({
      intervalSeconds: 60,
    });
  });

  it.each([
    [{ intervalSeconds: 0 }, 'engine.cloudwatchMetrics.intervalSeconds', /at least 1 second/],
    [{ intervalSeconds: 301 }, 'engine.cloudwatchMetrics.intervalSeconds', /at most 300 seconds/],
    [{ intervalSeconds: 1.5 }, 'engine.cloudwatchMetrics.intervalSeconds', /whole number of seconds/],
    [{ intervalSeconds: '60' }, 'engine.cloudwatchMetrics.intervalSeconds', /expected number/],
    [{ intervalSeconds: 60, namespace: 'Other' }, 'engine.cloudwatchMetrics.namespace', /unknown key/],
  ])('rejects engine.cloudwatchMetrics %j', (cloudwatchMetrics, path, rule) => {
    const system = shipped('system.json') as { engine: Record<string, unknown> };
    system.engine.cloudwatchMetrics = cloudwatchMetrics;
    const { issues } = issuesFor(system);
    expect(issues).toStrictEqual([expect.objectContaining({ path, rule: expect.stringMatching(rule) })]);
  });

  it('reports every problem at once, each naming the file, the key path and the rule', () => {
    const system = shipped('system.production.json') as {
      account: Record<string, unknown>;
      broker: Record<string, unknown>;
      marketData: Record<string, unknown>;
      engine: Record<string, unknown>;
      store: Record<string, unknown>;
    };
    delete system.account.liveTradingAcknowledgement; // live without acknowledgement
    system.broker.dataUrl = 'http://data.alpaca.markets'; // plaintext in production
    system.marketData.symbols = []; // empty list
    system.engine.http = { host: '0.0.0.0', port: 'eighty' }; // wrong type
    delete system.store.region; // missing key
    system.store.colour = 'blue'; // unknown key
    system.broker.credentials = { source: 'environment', secretKey: 'abc12345secret' }; // secret in file
    const risk = shippedRisk
      .replace('max_open_positions = 5', 'max_open_positions = -1')
      .replace('max_position_notional_usd = 10000', 'max_position_notional_usd = 60000');

    const { issues, systemFile, riskFile } = issuesFor(system, risk);
    const find = (path: string) => issues.filter((issue) => issue.path === path);

    expect(find('account.liveTradingAcknowledgement')[0]).toMatchObject({
      source: systemFile,
      rule: expect.stringMatching(/real money/),
    });
    expect(find('broker.dataUrl')[0]?.rule).toMatch(/production endpoints must use https/);
    expect(find('marketData.symbols')[0]?.rule).toMatch(/at least one symbol/);
    expect(find('engine.http.port')[0]?.rule).toMatch(/expected number/);
    expect(find('engine.http.port')[0]?.rule).not.toMatch(/missing/);
    expect(find('store.region')[0]?.rule).toMatch(/required key is missing/);
    expect(find('store.colour')[0]?.rule).toMatch(/unknown key/);
    expect(find('broker.credentials.secretKey').some((issue) => /looks like a secret/.test(issue.rule))).toBe(
      true,
    );
    expect(find('limits.max_open_positions')[0]).toMatchObject({
      source: riskFile,
      rule: expect.stringMatching(/greater than 0|too small/i),
    });
    expect(JSON.stringify(issues)).not.toContain('abc12345secret');
  });

  it('flags a position limit above the total exposure limit', () => {
    const risk = shippedRisk.replace(
      'max_position_notional_usd = 10000',
      'max_position_notional_usd = 50000.01',
    );
    const { issues } = issuesFor(shipped('system.json'), risk);
    expect(issues).toStrictEqual([
      expect.objectContaining({
        path: 'limits.max_position_notional_usd',
        rule: expect.stringMatching(/above limits.max_total_exposure_usd/),
      }),
    ]);
  });

  it('accepts a position limit equal to the total exposure limit', () => {
    const riskFile = folder.write(
      'risk.toml',
      shippedRisk.replace('max_position_notional_usd = 10000', 'max_position_notional_usd = 50000'),
    );
    expect(validateConfig({ systemFile: join(CONFIG_DIR, 'system.json'), riskFile, env: {} }).ok).toBe(true);
  });

  it.each([
    ['zero', 'daily_loss_limit_usd = 0', /greater than zero/],
    ['negative', 'daily_loss_limit_usd = -5', /greater than zero/],
    ['too precise', 'daily_loss_limit_usd = "5000.0000000001"', /at most 9 decimal places/],
    ['a string that is no number', 'daily_loss_limit_usd = "lots"', /decimal number/],
  ])('rejects a %s money limit', (_label, line, rule) => {
    const { issues } = issuesFor(
      shipped('system.json'),
      shippedRisk.replace('daily_loss_limit_usd = 5000', line),
    );
    expect(issues).toStrictEqual([
      expect.objectContaining({ path: 'loss.daily_loss_limit_usd', rule: expect.stringMatching(rule) }),
    ]);
  });

  it('refuses paper: false without the exact acknowledgement, and accepts it with', () => {
    const live = shipped('system.production.json') as { account: Record<string, unknown> };
    live.account.liveTradingAcknowledgement = 'yes';
    expect(issuesFor(live).issues.map((issue) => issue.path)).toStrictEqual([
      'account.liveTradingAcknowledgement',
    ]);
    live.account.liveTradingAcknowledgement = LIVE_TRADING_ACKNOWLEDGEMENT;
    const systemFile = folder.write('live.json', JSON.stringify(live));
    expect(validateConfig({ systemFile, riskFile: RISK_FILE, env: {} }).ok).toBe(true);
  });

  it('refuses an account whose URL contradicts its paper flag', () => {
    const staging = shipped('system.staging.json') as { broker: Record<string, unknown> };
    staging.broker.tradingUrl = 'https://api.alpaca.markets';
    expect(issuesFor(staging).issues).toStrictEqual([
      expect.objectContaining({
        path: 'broker.tradingUrl',
        rule: expect.stringMatching(/live trading host but account.paper is true/),
      }),
    ]);
  });

  it('allows plaintext only to loopback', () => {
    const dev = shipped('system.json') as { broker: Record<string, unknown> };
    dev.broker.venue = 'alpaca';
    dev.broker.tradingUrl = 'http://10.0.0.5:8181';
    expect(issuesFor(dev).issues).toStrictEqual([
      expect.objectContaining({ path: 'broker.tradingUrl', rule: expect.stringMatching(/only to loopback/) }),
    ]);
  });

  it.each([
    ['AAPL', true],
    ['BRK.B', true],
    ['BTC/USD', true],
    ['aapl', false],
    ['BTCUSD', false],
    ['TOO-LONG-TICKER', false],
  ])('symbol %s well-formed: %s', (symbol, ok) => {
    const dev = shipped('system.json') as { marketData: Record<string, unknown> };
    dev.marketData.symbols = [symbol];
    const systemFile = folder.write('system.json', JSON.stringify(dev));
    const result = validateConfig({ systemFile, riskFile: RISK_FILE, env: {} });
    expect(result.ok).toBe(ok);
  });

  it('refuses a value that looks like an Alpaca key wherever it sits', () => {
    const dev = shipped('system.json') as { account: Record<string, unknown> };
    dev.account.name = 'PKABCDEFGHIJKLMNOPQR';
    const { issues } = issuesFor(dev);
    expect(
      issues.some((issue) => issue.path === 'account.name' && /looks like a secret/.test(issue.rule)),
    ).toBe(true);
  });

  it('applies documented environment overrides and names the variable in errors', () => {
    const config = loadConfig({
      systemFile: join(CONFIG_DIR, 'system.json'),
      env: { TRADING_HTTP_PORT: '9090', TRADING_SYMBOLS: 'AAPL, BTC/USD', TRADING_LOG_LEVEL: 'debug' },
    });
    expect(config.system.engine.http.port).toBe(9090);
    expect(config.system.marketData.symbols).toStrictEqual(['AAPL', 'BTC/USD']);
    expect(config.system.logging.level).toBe('debug');

    const result = validateConfig({
      systemFile: join(CONFIG_DIR, 'system.json'),
      env: { TRADING_HTTP_PORT: 'x', TRADING_LOG_LEVEL: 'loud' },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues).toStrictEqual([
        {
          source: 'environment variable TRADING_HTTP_PORT',
          path: 'engine.http.port',
          rule: 'must be a whole number',
        },
        expect.objectContaining({ source: 'environment variable TRADING_LOG_LEVEL', path: 'logging.level' }),
      ]);
    }
  });

  it('reports unreadable and malformed files instead of throwing', () => {
    const systemFile = folder.write('broken.json', '{ "environment": ');
    const result = validateConfig({ systemFile, riskFile: folder.path('missing.toml'), env: {} });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues).toStrictEqual([
        expect.objectContaining({ source: systemFile, rule: expect.stringMatching(/not valid JSON/) }),
        expect.objectContaining({
          source: folder.path('missing.toml'),
          rule: expect.stringMatching(/cannot read the file \(ENOENT\)/),
        }),
      ]);
    }
  });

  it('loadConfig throws a ConfigError listing every issue', () => {
    const systemFile = folder.write('system.json', JSON.stringify({ environment: 'moon' }));
    expect(() => loadConfig({ systemFile, riskFile: RISK_FILE, env: {} })).toThrow(ConfigError);
    try {
      loadConfig({ systemFile, riskFile: RISK_FILE, env: {} });
    } catch (error) {
      expect((error as ConfigError).issues.length).toBeGreaterThan(5);
      expect((error as ConfigError).message).toContain(`${systemFile}: environment:`);
    }
  });
});

describe('Rules: strategies and order limits', () => {
  it('checks strategy ids, periods and symbols against the market-data symbols', () => {
    const dev = shipped('system.json') as { strategies: Record<string, unknown>[] };
    dev.strategies = [
      { type: 'trend-following', id: 'ma', fastPeriod: 20, slowPeriod: 5, entryNotionalUsd: 100 },
      { type: 'mid-price-momentum', id: 'ma', symbols: ['NVDA'], period: 5, thresholdBps: 1, entryQty: '1' },
      { type: 'no-such-strategy', id: 'x' },
    ];
    const paths = issuesFor(dev).issues.map((issue) => issue.path);
    expect(paths).toStrictEqual([
      'strategies.2.type',
      'strategies.0.fastPeriod',
      'strategies.1.id',
      'strategies.1.symbols.0',
    ]);
  });

  it("validates each strategy's parameters with the rest of the file, listing every problem at once", () => {
    const dev = shipped('system.json') as { strategies: Record<string, unknown>[]; engine: unknown };
    dev.strategies = [
      {
        type: 'trend-following',
        id: 'trend',
        average: 'wma',
        fastPeriod: 5,
        slowPeriod: 20,
        atrStop: { period: 0, multiple: -1 },
        entryNotionalUsd: 1000,
      },
      { type: 'mean-reversion', id: 'revert', bandPeriod: 1, oversold: 100, entryNotionalUsd: 0, extra: 1 },
    ];
    dev.engine = { http: { host: '127.0.0.1', port: 70_000 } };
    const { issues, systemFile } = issuesFor(dev);
    expect(issues.map((issue) => [issue.path, issue.source])).toStrictEqual([
      ['strategies.0.average', systemFile],
      ['strategies.0.atrStop.period', systemFile],
      ['strategies.0.atrStop.multiple', systemFile],
      ['strategies.1.bandPeriod', systemFile],
      ['strategies.1.oversold', systemFile],
      ['strategies.1.entryNotionalUsd', systemFile],
      ['strategies.1.extra', systemFile],
      ['engine.http.port', systemFile],
    ]);
  });

  it('fills in the documented defaults of strategy parameters', () => {
    const dev = shipped('system.json') as { strategies: Record<string, unknown>[] };
    dev.strategies = [
      { type: 'trend-following', id: 'trend', fastPeriod: 5, slowPeriod: 20, entryNotionalUsd: 1000 },
      { type: 'mean-reversion', id: 'revert', entryNotionalUsd: '2500' },
    ];
    const systemFile = folder.write('system.json', JSON.stringify(dev));
    const config = loadConfig({ systemFile, riskFile: RISK_FILE, env: {} });
    expect(config.system.strategies).toStrictEqual([
      {
        type: 'trend-following',
        id: 'trend',
        average: 'sma',
        fastPeriod: 5,
        slowPeriod: 20,
        entryNotionalUsd: parseFixed('1000'),
      },
      {
        type: 'mean-reversion',
        id: 'revert',
        bandPeriod: 20,
        bandWidth: 2,
        rsiPeriod: 14,
        oversold: 30,
        entryNotionalUsd: parseFixed('2500'),
      },
    ]);
  });

  describe('model-driven strategies', () => {
    const SHIPPED_MODEL = join(import.meta.dirname, '../../../models/xgboost-direction-5m/manifest.json');
    const modelStrategy = (overrides: Record<string, unknown> = {}) => ({
      type: 'model-driven',
      id: 'model',
      manifest: SHIPPED_MODEL,
      maxPositionNotionalUsd: 1000,
      ...overrides,
    });

    it('loads the model beside the config, with the documented defaults', () => {
      const dev = shipped('system.json') as { strategies: unknown[] };
      dev.strategies = [modelStrategy()];
      const systemFile = folder.write('system.json', JSON.stringify(dev));
      const config = loadConfig({ systemFile, riskFile: RISK_FILE, env: {} });
      expect(config.system.strategies).toStrictEqual([
        {
          type: 'model-driven',
          id: 'model',
          manifest: SHIPPED_MODEL,
          runsIn: 'signal-function',
          minConfidence: 0,
          rebalanceFraction: 0.25,
          allowShort: false,
          maxPositionNotionalUsd: parseFixed('1000'),
        },
      ]);
      expect(config.models.get('model')?.modelVersion).toBe('xgboost-direction-5m-1');
    });

    it('reports a model it cannot load beside every other problem', () => {
      const dev = shipped('system.json') as { strategies: unknown[]; engine: unknown };
      dev.strategies = [modelStrategy(), modelStrategy({ id: 'broken', manifest: 'no-such/manifest.json' })];
      dev.engine = { http: { host: '127.0.0.1', port: 70_000 } };
      const { issues, systemFile } = issuesFor(dev);
      expect(issues.map((issue) => [issue.path, issue.source])).toStrictEqual([
        ['engine.http.port', systemFile],
      ]);
      const broken = { ...dev, engine: { http: { host: '127.0.0.1', port: 8080 } } };
      const model = issuesFor(broken).issues;
      expect(model.map((issue) => issue.path)).toStrictEqual(['strategies.1.manifest']);
      expect(model[0]!.rule).toMatch(
        /^model refused: .*no-such\/manifest\.json: cannot read the file \(ENOENT\)$/,
      );
    });

    it('refuses the signal function without the queues it needs', () => {
      const dev = shipped('system.json') as { strategies: unknown[]; signals?: unknown };
      dev.strategies = [modelStrategy()];
      delete dev.signals;
      expect(issuesFor(dev).issues.map((issue) => [issue.path, issue.rule])).toStrictEqual([
        [
          'strategies.0.runsIn',
          'signal-function needs the signals section (its queues); without one, use runsIn "engine"',
        ],
      ]);
      dev.strategies = [modelStrategy({ runsIn: 'engine' })];
      const systemFile = folder.write('system.json', JSON.stringify(dev));
      expect(validateConfig({ systemFile, riskFile: RISK_FILE, env: {} }).ok).toBe(true);
    });

    it('refuses bar windows too short for the model’s features', () => {
      const dev = shipped('system.json') as { strategies: unknown[]; signals: { windowBars: number } };
      dev.strategies = [modelStrategy()];
      dev.signals.windowBars = 60;
      expect(issuesFor(dev).issues.map((issue) => [issue.path, issue.rule])).toStrictEqual([
        ['signals.windowBars', "strategy model's model needs windows of at least 150 bars, not 60"],
      ]);
    });
  });

  it('flags an order notional cap above the position limit', () => {
    const risk = shippedRisk.replace('max_order_notional_usd = 10000', 'max_order_notional_usd = 10000.01');
    const { issues } = issuesFor(shipped('system.json'), risk);
    expect(issues).toStrictEqual([
      expect.objectContaining({
        path: 'limits.max_order_notional_usd',
        rule: expect.stringMatching(/above limits.max_position_notional_usd/),
      }),
    ]);
  });
});
