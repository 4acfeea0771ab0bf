/**
 * The --alpaca source against the simulator's market-data REST on loopback, on virtual time: the
 * simulator's market runs over a few past days, and the download's clock is the simulator's, so
 * "today" and the rate-limit windows are virtual too. Requests are counted by an undici interceptor.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Agent, type Dispatcher, request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AlpacaBarsOptions, loadAlpacaBars } from '../../../backtest/data/alpaca-bars.ts';
import type { BarColumnsBuilder } from '../../../backtest/data/bar-columns.ts';
import { BarDataError } from '../../../backtest/data/bar-data-error.ts';
import { loadBars } from '../../../backtest/data/load-bars.ts';
import { aggregateBars } from '../../../backtest/data/timeframe-aggregation.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { newYorkToUtcMs } from '../../../shared/time/new-york-time.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import { tempFolder } from '../../support/temp-files.ts';

const SYMBOLS = ['AAPL', 'BTC/USD'];

/** A dispatcher that records the path of every request it sends. */
function countingDispatcher(): { dispatcher: Dispatcher; paths: string[] } {
  const paths: string[] = [];
  const dispatcher = new Agent().compose((dispatch) => (options, handler) => {
    paths.push(options.path);
    return dispatch(options, handler);
  });
  return { dispatcher, paths };
}

/** The simulator on a ManualClock whose market has run from `startDate` until `until` (epoch ms). */
async function simulatorWithPast(startDate: string, untilMs: number, dataRateLimitPerMinute = 200) {
  const clock = new ManualClock(newYorkToUtcMs(startDate, 0));
  const sim = await startSimulator({
    clock,
    symbols: SYMBOLS,
    seed: 4,
    messagesPerSecond: 1,
    sessionHours: 'nyse',
    dataRateLimitPerMinute,
  });
  sim.advanceTo(untilMs);
  return { sim, clock };
}

function options(sim: Simulator, clock: ManualClock, cacheDir: string): AlpacaBarsOptions {
  return {
    keyId: DEFAULT_SIM_KEY_ID,
    secretKey: DEFAULT_SIM_SECRET_KEY,
    baseUrl: sim.baseUrl,
    cacheDir,
    clock,
    // Waiting on virtual time moves the simulator's clock (and market) forward instead.
    sleep: async (ms) => sim.advanceTo(clock.nowMs() + ms),
  };
}

function snapshot(bars: BarColumnsBuilder) {
  return bars.symbols.map((symbol) => {
    const series = bars.series(bars.symbolIndex(symbol));
    return { symbol, startUs: [...series.startUs], close: [...series.close], volume: [...series.volume] };
  });
}

let folder: ReturnType<typeof tempFolder>;

beforeEach(() => {
  folder = tempFolder();
});

afterEach(() => {
  folder.remove();
});

describe('Function: loadAlpacaBars, first and second run', () => {
  it('downloads once, caches complete days, then reads only the cache with the simulator stopped', async () => {
    // Thursday 2024-03-07 to Saturday noon: Thursday and Friday are complete days.
    const { sim, clock } = await simulatorWithPast('2024-03-07', newYorkToUtcMs('2024-03-09', 12 * 60));
    const first = countingDispatcher();
    const downloaded = await loadAlpacaBars(
      { ...options(sim, clock, folder.path('cache')), dispatcher: first.dispatcher },
      { symbols: SYMBOLS, from: '2024-03-07', to: '2024-03-08' },
    );
    await sim.close();

    const second = countingDispatcher();
    const cached = await loadAlpacaBars(
      { ...options(sim, clock, folder.path('cache')), dispatcher: second.dispatcher },
      { symbols: SYMBOLS, from: '2024-03-07', to: '2024-03-08' },
    );

    expect(first.paths.map((path) => path.split('?')[0])).toStrictEqual([
      '/v2/stocks/bars',
      '/v1beta3/crypto/us/bars',
    ]);
    expect(second.paths).toStrictEqual([]);
    expect(snapshot(cached)).toStrictEqual(snapshot(downloaded));
    const [aapl, btc] = snapshot(cached);
    expect(aapl!.startUs.length).toBeGreaterThan(500);
    expect(btc!.startUs.length).toBeGreaterThan(2 * 1000);
    expect(readdirSync(folder.path('cache/stocks/iex/raw/AAPL')).sort()).toStrictEqual([
      '2024-03-07.csv',
      '2024-03-08.csv',
    ]);
    expect(readdirSync(folder.path('cache/crypto/us/BTC-USD')).sort()).toStrictEqual([
      '2024-03-07.csv',
      '2024-03-08.csv',
    ]);
    const friday = readFileSync(folder.path('cache/stocks/iex/raw/AAPL/2024-03-08.csv'), 'utf8').split('\n');
    expect(friday[0]).toBe('timestamp,symbol,open,high,low,close,volume');
    expect(friday[1]).toMatch(/^2024-03-08T\d{2}:\d{2}:00\.000000Z,AAPL,/);
  });
});

describe('Function: loadAlpacaBars against a running simulator', () => {
  let sim: Simulator;
  let clock: ManualClock;

  beforeAll(async () => {
    // Friday 2024-03-08 to Monday 11:00 (daylight time began on Sunday): Monday is today.
    ({ sim, clock } = await simulatorWithPast('2024-03-08', newYorkToUtcMs('2024-03-11', 11 * 60), 5));
  });

  afterAll(async () => {
    await sim.close();
  });

  it('follows next_page_token through small pages to the same bars as one page', async () => {
    const paged = countingDispatcher();
    const whole = await loadAlpacaBars(options(sim, clock, folder.path('whole')), {
      symbols: ['AAPL'],
      from: '2024-03-08',
      to: '2024-03-08',
    });
    await waitForQuota();
    const pages = await loadAlpacaBars(
      { ...options(sim, clock, folder.path('pages')), pageLimit: 150, dispatcher: paged.dispatcher },
      { symbols: ['AAPL'], from: '2024-03-08', to: '2024-03-08' },
    );

    const count = snapshot(whole)[0]!.startUs.length;
    expect(count).toBeGreaterThan(450);
    expect(paged.paths).toHaveLength(Math.ceil(count / 150));
    expect(paged.paths.slice(1).every((path) => path.includes('page_token='))).toBe(true);
    expect(snapshot(pages)).toStrictEqual(snapshot(whole));
  });

  it('waits out a 429 until the reset the simulator names, then goes on', async () => {
    await waitForQuota();
    // Another process spends the key's quota (5 a minute here) before the download starts.
    for (let i = 0; i < 5; i++) await dataRequest('/v2/stocks/AAPL/bars/latest');
    const counted = countingDispatcher();
    const sleeps: number[] = [];
    const startedMs = clock.nowMs();

    const bars = await loadAlpacaBars(
      {
        ...options(sim, clock, folder.path('cache')),
        dispatcher: counted.dispatcher,
        sleep: async (ms) => {
          sleeps.push(ms);
          sim.advanceTo(clock.nowMs() + ms);
        },
      },
      { symbols: ['AAPL'], from: '2024-03-08', to: '2024-03-08' },
    );

    expect(counted.paths).toHaveLength(2);
    expect(sleeps.length).toBeGreaterThan(0);
    expect(clock.nowMs() - startedMs).toBeGreaterThan(0);
    expect(clock.nowMs() - startedMs).toBeLessThanOrEqual(61_000);
    expect(snapshot(bars)[0]!.startUs.length).toBeGreaterThan(450);
  });

  it('asks again for today, which is not over and never cached', async () => {
    await waitForQuota();
    const first = countingDispatcher();
    await loadAlpacaBars(
      { ...options(sim, clock, folder.path('cache')), dispatcher: first.dispatcher },
      { symbols: ['AAPL'], from: '2024-03-08', to: '2024-03-11' },
    );
    const second = countingDispatcher();
    const again = await loadAlpacaBars(
      { ...options(sim, clock, folder.path('cache')), dispatcher: second.dispatcher },
      { symbols: ['AAPL'], from: '2024-03-08', to: '2024-03-11' },
    );

    expect(first.paths).toHaveLength(1);
    expect(second.paths).toHaveLength(1);
    expect(decodeURIComponent(second.paths[0]!)).toContain('start=2024-03-11T04:00:00.000000Z');
    expect(readdirSync(folder.path('cache/stocks/iex/raw/AAPL')).sort()).toStrictEqual([
      '2024-03-08.csv',
      '2024-03-09.csv',
      '2024-03-10.csv',
    ]);
    const monday = snapshot(again)[0]!.startUs.filter((us) => us >= newYorkToUtcMs('2024-03-11', 0) * 1000);
    expect(monday.length).toBeGreaterThan(0);
  });

  it('sends the adjustment and keeps each in its own cache folder', async () => {
    await waitForQuota();
    const counted = countingDispatcher();
    await loadAlpacaBars(
      {
        ...options(sim, clock, folder.path('cache')),
        adjustment: 'all',
        feed: 'sip',
        dispatcher: counted.dispatcher,
      },
      { symbols: ['AAPL'], from: '2024-03-08', to: '2024-03-08' },
    );

    expect(counted.paths[0]).toContain('adjustment=all');
    expect(counted.paths[0]).toContain('feed=sip');
    expect(readdirSync(folder.path('cache/stocks/sip/all/AAPL'))).toStrictEqual(['2024-03-08.csv']);
  });

  it("aggregates the downloaded minutes to the simulator's own hourly and daily bars", async () => {
    await waitForQuota();
    const minutes = await loadAlpacaBars(options(sim, clock, folder.path('cache')), {
      symbols: ['AAPL'],
      from: '2024-03-08',
      to: '2024-03-08',
    });
    for (const timeframe of ['1Hour', '1Day'] as const) {
      const ours = aggregateBars(minutes, timeframe).build({ timeframe });
      await waitForQuota();
      const theirs = (await dataRequest(
        `/v2/stocks/bars?symbols=AAPL&timeframe=${timeframe}&start=2024-03-08&end=2024-03-08T23:59:59-05:00&limit=10000`,
      )) as { bars: { AAPL: { t: string; o: number; h: number; l: number; c: number; v: number }[] } };

      expect(
        Array.from({ length: ours.length }, (_, i) => ({
          t: new Date(ours.startUs[i]! / 1000).toISOString().replace('.000', ''),
          o: ours.open[i],
          h: ours.high[i],
          l: ours.low[i],
          c: ours.close[i],
          v: ours.volume[i],
        })),
      ).toStrictEqual(theirs.bars.AAPL.map(({ t, o, h, l, c, v }) => ({ t, o, h, l, c, v })));
    }
  });

  it('says when the cache cannot be written, naming the file', async () => {
    await waitForQuota();
    const notAFolder = folder.write('cache', 'a file where the cache folder should be');

    const error = await loadAlpacaBars(options(sim, clock, notAFolder), {
      symbols: ['AAPL'],
      from: '2024-03-08',
      to: '2024-03-08',
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BarDataError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^cannot write the bar cache file ${notAFolder}/stocks/iex/raw/AAPL/2024-03-08.csv: E[A-Z]+$`,
      ),
    );
  });

  it('says the keys were refused without naming them', async () => {
    await waitForQuota();
    const secret = 'WRONG-SECRET-12345';

    const error = await loadAlpacaBars(
      { ...options(sim, clock, folder.path('cache')), keyId: 'WRONG-KEY-ID', secretKey: secret },
      { symbols: ['AAPL'], from: '2024-03-08', to: '2024-03-08' },
    ).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BarDataError);
    const message = (error as BarDataError).message;
    expect(message).toContain(`Alpaca refused the API keys (HTTP 403) at ${sim.baseUrl}`);
    expect(message).toContain('APCA_API_KEY_ID and APCA_API_SECRET_KEY');
    expect(message).not.toContain(secret);
    expect(message).not.toContain('WRONG-KEY-ID');
  });

  it("serves loadBars: daily bars at New York midnight in the symbols' order, a symbol without bars named", async () => {
    await waitForQuota();
    const source = { kind: 'alpaca', alpaca: options(sim, clock, folder.path('cache')) } as const;

    const bars = await loadBars({
      source,
      symbols: ['BTC/USD', 'AAPL'],
      from: '2024-03-08',
      to: '2024-03-10',
      timeframe: '1Day',
    });
    await waitForQuota();
    const weekend = await loadBars({
      source,
      symbols: ['AAPL', 'BTC/USD'],
      from: '2024-03-09',
      to: '2024-03-10',
      timeframe: '1Day',
    }).catch((caught: unknown) => caught);

    expect(bars.symbols).toStrictEqual(['BTC/USD', 'AAPL']);
    expect(
      Array.from({ length: bars.length }, (_, i) => [
        bars.symbols[bars.symbol[i]!],
        new Date(bars.startUs[i]! / 1000).toISOString(),
      ]),
    ).toStrictEqual([
      ['BTC/USD', '2024-03-08T05:00:00.000Z'],
      ['AAPL', '2024-03-08T05:00:00.000Z'],
      ['BTC/USD', '2024-03-09T05:00:00.000Z'],
      ['BTC/USD', '2024-03-10T05:00:00.000Z'],
    ]);
    expect(weekend).toBeInstanceOf(BarDataError);
    expect((weekend as Error).message).toBe(
      "no bars for AAPL from 2024-03-09 to 2024-03-10 in Alpaca's iex bars",
    );
  });

  /** The simulator's data quota is 5 a minute here: each test starts on a fresh window. */
  async function waitForQuota(): Promise<void> {
    sim.advanceTo(clock.nowMs() + 61_000);
  }

  async function dataRequest(path: string): Promise<unknown> {
    const response = await request(`${sim.baseUrl}${path}`, {
      headers: { 'APCA-API-KEY-ID': DEFAULT_SIM_KEY_ID, 'APCA-API-SECRET-KEY': DEFAULT_SIM_SECRET_KEY },
    });
    return response.body.json();
  }
});

describe('Function: loadAlpacaBars with a cache alone', () => {
  it('checks cached days like any data file, naming the file and line, without asking Alpaca', async () => {
    const cached = folder.path('cache/stocks/iex/raw/AAPL/2024-03-08.csv');
    mkdirSync(dirname(cached), { recursive: true });
    writeFileSync(
      cached,
      'timestamp,symbol,open,high,low,close,volume\n2024-03-08T14:30:00Z,AAPL,10,11,9,10,5\n2024-03-08T14:31:00Z,AAPL,10,9,9,10,5\n',
    );
    const counted = countingDispatcher();

    const error = await loadAlpacaBars(
      {
        keyId: DEFAULT_SIM_KEY_ID,
        secretKey: DEFAULT_SIM_SECRET_KEY,
        // Nothing listens there: a request would fail.
        baseUrl: 'http://127.0.0.1:9',
        cacheDir: folder.path('cache'),
        clock: new ManualClock(newYorkToUtcMs('2024-03-10', 0)),
        dispatcher: counted.dispatcher,
      },
      { symbols: ['AAPL'], from: '2024-03-08', to: '2024-03-08' },
    ).catch((caught: unknown) => caught);

    expect(counted.paths).toStrictEqual([]);
    expect(error).toBeInstanceOf(BarDataError);
    expect((error as BarDataError).problems).toStrictEqual([
      `${cached}:3: high 9 is below max(open 10, close 10)`,
    ]);
    expect((error as Error).message).toContain('a bad cache file can be deleted');
  });
});

describe('Function: loadAlpacaBars refusals', () => {
  it.each([
    ['http://data.example.com', 'refusing to send the Alpaca keys to http://data.example.com: use https'],
    ['not a url', 'the Alpaca data URL "not a url" is not a URL'],
  ])('refuses the base URL %s before sending anything', async (baseUrl, message) => {
    const error = await loadAlpacaBars(
      { keyId: 'K', secretKey: 'S', cacheDir: folder.path('cache'), baseUrl },
      { symbols: ['AAPL'], from: '2024-03-08', to: '2024-03-08' },
    ).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BarDataError);
    expect((error as Error).message).toContain(message);
  });

  it('refuses to start without keys', async () => {
    await expect(
      loadAlpacaBars(
        { keyId: '', secretKey: '', cacheDir: folder.path('cache') },
        { symbols: ['AAPL'], from: '2024-03-08', to: '2024-03-08' },
      ),
    ).rejects.toThrow('Alpaca needs an API key id and secret: set APCA_API_KEY_ID and APCA_API_SECRET_KEY');
  });
});
