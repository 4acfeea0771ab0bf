/**
 * `npm run backtest` as a user runs it: the real command in a child process (this Node, the repo
 * root as working directory), judged by its exit code, what it prints and the files it writes.
 * Runs are kept to days or weeks of minute bars: the machine is shared.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TradeRecord } from '../../backtest/backtest-result.ts';
import { loadBars } from '../../backtest/data/load-bars.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../shared/broker/simulator-credentials.ts';
import { ManualClock } from '../../shared/time/clock.ts';
import { newYorkToUtcMs } from '../../shared/time/new-york-time.ts';
import { startSimulator } from '../../sim/simulator.ts';
import { tempFolder } from '../support/temp-files.ts';

const ROOT = join(import.meta.dirname, '../..');
const folder = tempFolder();
afterAll(() => folder.remove());

interface Outcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the command to its end. Asynchronous, not spawnSync: the Alpaca test's simulator runs in
 * this process and must answer while the child waits on it.
 */
function backtest(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/backtest.ts'), ...args], {
      cwd: ROOT,
      // No keys of the developer's reach the child unless a test gives them.
      env: { ...withoutAlpacaKeys(process.env), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function withoutAlpacaKeys(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => !entry[0].startsWith('APCA_') && entry[1] !== undefined,
    ),
  );
}

interface Report {
  readonly meta: {
    readonly strategy: string;
    readonly params: Record<string, unknown>;
    readonly symbols: string[];
    readonly from: string;
    readonly to: string;
    readonly timeframe: string;
    readonly source: string;
    readonly bars: number;
    readonly orders: number;
  };
  readonly metrics: { readonly all: Record<string, number | string | boolean | null> };
  readonly trades: TradeRecord[];
}

function readReport(out: string): Report {
  return JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
}

const lines = (text: string): string[] => text.trimEnd().split('\n');

describe("CLI: npm run backtest, the newcomer's run", () => {
  const range = ['--from', '2025-01-02', '--to', '2025-01-31'];
  const command = (out: string) => [
    '--strategy',
    'ma-cross',
    '--seed',
    '1',
    '--symbols',
    'AAPL,MSFT',
    ...range,
    '--out',
    out,
  ];
  let first: Outcome;

  it('writes a report that names its inputs, with every trade at the open of a bar it met', async () => {
    const out = folder.path('newcomer');
    first = await backtest(command(out));

    expect(first.stderr).not.toMatch(/backtest:/);
    expect(first.status).toBe(0);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    const report = readReport(out);
    expect(report.meta).toMatchObject({
      strategy: 'ma-cross',
      params: { fast: 10, slow: 30, notional: 5000 },
      symbols: ['AAPL', 'MSFT'],
      from: '2025-01-02',
      to: '2025-01-31',
      timeframe: '1Min',
      source: 'generated market, seed 1',
    });
    // 21 sessions of 390 minutes, two symbols. The generated market keeps the NYSE calendar by
    // rule (shared/time/nyse-calendar.ts), so it trades on 9 January 2025, the one-off closure
    // for President Carter's day of mourning.
    expect(report.meta.bars).toBe(21 * 390 * 2);
    expect(report.trades.length).toBeGreaterThan(10);

    // The same generator's bars, to check each fill against the bar it met: a market order goes
    // out at a bar's close and fills at the next bar's open (slippage 0 by default); its trade
    // time is that bar's start.
    const bars = await loadBars({
      source: { kind: 'seed', seed: 1 },
      symbols: ['AAPL', 'MSFT'],
      from: '2025-01-02',
      to: '2025-01-31',
      timeframe: '1Min',
      shared: false,
    });
    const barAt = new Map<string, { open: number; high: number; low: number }>();
    for (let i = 0; i < bars.length; i++) {
      barAt.set(`${bars.symbols[bars.symbol[i]!]}@${bars.startUs[i]! / 1000}`, {
        open: bars.open[i]!,
        high: bars.high[i]!,
        low: bars.low[i]!,
      });
    }
    for (const trade of report.trades) {
      const bar = barAt.get(`${trade.symbol}@${trade.timeMs}`);
      expect(bar, `${trade.symbol} ${new Date(trade.timeMs).toISOString()}`).toBeDefined();
      expect(trade.price).toBeGreaterThanOrEqual(bar!.low);
      expect(trade.price).toBeLessThanOrEqual(bar!.high);
      expect(trade.price).toBe(bar!.open);
      expect(trade.slippage).toBe(0);
    }
    // Long only, whole shares, each entry within the 5,000 notional at its decision close.
    for (const trade of report.trades) {
      expect(Number.isInteger(trade.qty)).toBe(true);
      expect(trade.positionAfter).toBeGreaterThanOrEqual(0);
      if (trade.side === 'buy') expect(trade.qty * trade.price).toBeLessThan(5000 * 1.01);
    }
  });

  it('prints the summary on stdout and only the final progress line, without escape codes, on stderr', () => {
    const out = folder.path('newcomer');
    const report = readReport(out);
    const { executions, roundTrips, fees } = report.metrics.all as Record<string, number>;

    expect(lines(first.stdout)).toStrictEqual([
      '16,380 1Min bars of AAPL, MSFT from 2025-01-02 to 2025-01-31 (generated market, seed 1)',
      expect.stringMatching(/^16,380 bars in \d+\.\d\d s \([\d,]+ bars\/s\)$/),
      expect.stringMatching(
        /^total return -?\d+\.\d\d%, CAGR -?\d+\.\d\d%, Sharpe -?\d+\.\d\d, max drawdown -?\d+\.\d\d%$/,
      ),
      `${report.meta.orders.toLocaleString('en-US')} orders, ${report.trades.length.toLocaleString('en-US')} executions, ${roundTrips.toLocaleString('en-US')} round trips, fees $${fees!.toFixed(2)}, slippage $0.00`,
      ...lines(first.stdout).slice(4, -2),
      `report: ${join(out, 'report.html')}`,
      `        ${join(out, 'report.json')}`,
    ]);
    expect(executions).toBe(report.trades.length);
    // The escape character starts every sequence a terminal display would write.
    expect(first.stderr).not.toContain('\u001b');
    expect(lines(first.stderr).at(-1)).toMatch(
      /^16,380\/16,380 bars 100\.0% \| .+ bars\/s \| took \d+(\.\d)?s \| 2025-01-31 16:00 ET$/,
    );
  });

  it('writes a byte-identical report.json when run again', async () => {
    const again = folder.path('newcomer-again');
    const second = await backtest(command(again));

    expect(second.status).toBe(0);
    expect(readFileSync(join(again, 'report.json'))).toStrictEqual(
      readFileSync(join(folder.path('newcomer'), 'report.json')),
    );
  });
});

describe('CLI: npm run backtest, a run worked out by hand from a CSV', () => {
  // One session of AAPL minute bars from 09:30 New York (14:30Z; daylight time starts on 9 March).
  // ma-cross fast=2 slow=3: SMAs of closes; a decision needs both, so from bar 2. It buys when
  // fast goes from below slow to above it, and sells the position when it goes back below.
  //
  //  bar time   open    high    low     close   SMA2     SMA3      relation
  //  0   14:30  100.00  100.05  99.95   100.00  –        –
  //  1   14:31  100.00  100.05  99.75   99.80   99.90    –
  //  2   14:32  99.80   99.85   99.55   99.60   99.70    99.80     below
  //  3   14:33  99.60   99.75   99.55   99.70   99.65    99.70     below
  //  4   14:34  99.70   100.15  99.65   100.10  99.90    99.80     above: cross up, buy
  //  5   14:35  100.15  100.45  100.10  100.40  100.25   100.067   above
  //  6   14:36  100.40  100.75  100.35  100.70  100.55   100.40    above
  //  7   14:37  100.70  100.95  100.65  100.90  100.80   100.667   above
  //  8   14:38  100.90  100.95  100.15  100.20  100.55   100.60    below: cross down, sell
  //  9   14:39  100.25  100.30  99.95   100.00  100.10   100.367   below
  //  10  14:40  100.00  100.05  99.85   99.90   99.95    100.033   below
  //  11  14:41  99.90   99.95   99.80   99.85   99.875   99.917    below
  //
  // Buy: decided on bar 4's close 100.10, qty floor(5000 / 100.10) = 49 whole shares
  // (order-sizing.ts). Risk sends the market order as a limit 1% beyond the close (101.101,
  // market_order_protection_pct); bar 5 opens at 100.15, within it, so 49 fill at 100.15 at
  // 14:35, bar 5's start. A buy pays no fee.
  // Sell: decided on bar 8's close 100.20, the whole 49 shares, limit 1% below (99.198); bar 9
  // opens at 100.25, so 49 fill at 100.25 at 14:39.
  // Sell fees on principal 49 × 100.25 = 4,912.25: SEC 4,912.25 × 27.80 / 1,000,000 = 0.1366 →
  // 0.14; TAF 49 × 0.000166 = 0.0081 → 0.01; together 0.15.
  // Realised P&L 49 × (100.25 − 100.15) = 4.90, before fees; the account ends at
  // 100,000 + 4.90 − 0.15 = 100,004.75.
  // The default risk limits stay: the lowest close after the entry (99.85) is 0.35% under the
  // entry and 1.04% under the highest close (100.90), short of the 2% stop loss and the 1.5%
  // trailing stop, so risk's own stops never act.
  const CSV = `timestamp,symbol,open,high,low,close,volume
2025-03-03T14:30:00Z,AAPL,100.00,100.05,99.95,100.00,10000
2025-03-03T14:31:00Z,AAPL,100.00,100.05,99.75,99.80,10000
2025-03-03T14:32:00Z,AAPL,99.80,99.85,99.55,99.60,10000
2025-03-03T14:33:00Z,AAPL,99.60,99.75,99.55,99.70,10000
2025-03-03T14:34:00Z,AAPL,99.70,100.15,99.65,100.10,10000
2025-03-03T14:35:00Z,AAPL,100.15,100.45,100.10,100.40,10000
2025-03-03T14:36:00Z,AAPL,100.40,100.75,100.35,100.70,10000
2025-03-03T14:37:00Z,AAPL,100.70,100.95,100.65,100.90,10000
2025-03-03T14:38:00Z,AAPL,100.90,100.95,100.15,100.20,10000
2025-03-03T14:39:00Z,AAPL,100.25,100.30,99.95,100.00,10000
2025-03-03T14:40:00Z,AAPL,100.00,100.05,99.85,99.90,10000
2025-03-03T14:41:00Z,AAPL,99.90,99.95,99.80,99.85,10000
`;

  it('buys at the open after the cross up and sells at the open after the cross down, with the fees and P&L worked out', async () => {
    const data = folder.write('AAPL.csv', CSV);
    const out = folder.path('by-hand');

    const { status, stdout } = await backtest([
      '--strategy',
      'ma-cross',
      '--param',
      'fast=2',
      '--param',
      'slow=3',
      '--data',
      data,
      '--symbols',
      'AAPL',
      '--from',
      '2025-03-03',
      '--to',
      '2025-03-03',
      '--out',
      out,
    ]);

    expect(status).toBe(0);
    const report = readReport(out);
    expect(report.trades).toStrictEqual([
      {
        timeMs: Date.parse('2025-03-03T14:35:00Z'),
        strategyId: 'backtest',
        symbol: 'AAPL',
        side: 'buy',
        qty: 49,
        price: 100.15,
        fee: 0,
        slippage: 0,
        realizedPnl: 0,
        positionAfter: 49,
      },
      {
        timeMs: Date.parse('2025-03-03T14:39:00Z'),
        strategyId: 'backtest',
        symbol: 'AAPL',
        side: 'sell',
        qty: 49,
        price: 100.25,
        fee: 0.15,
        slippage: 0,
        realizedPnl: 4.9,
        positionAfter: 0,
      },
    ]);
    expect(report.metrics.all).toMatchObject({
      startValue: 100_000,
      endValue: 100_004.75,
      fees: 0.15,
      executions: 2,
      closingTrades: 1,
      roundTrips: 1,
      winRate: 1,
      averageWin: 4.75,
    });
    expect(report.meta).toMatchObject({
      params: { fast: 2, slow: 3, notional: 5000 },
      source: `file ${data}`,
      bars: 12,
      orders: 2,
    });
    expect(stdout).toContain('2 orders, 2 executions, 1 round trips, fees $0.15, slippage $0.00\n');
  });
});

describe('CLI: npm run backtest, refusals', () => {
  const good = ['--seed', '1', '--symbols', 'AAPL', '--from', '2025-01-02', '--to', '2025-01-03'];

  it.each([
    ['an unknown flag', ['--strategy', 'ma-cross', ...good, '--bogus'], ["Unknown option '--bogus'"]],
    ['no --strategy', good, ['--strategy NAME is required']],
    [
      'two data sources',
      ['--strategy', 'ma-cross', ...good, '--data', 'bars.csv'],
      ['give exactly one data source: --seed S, --data FILE_OR_DIR or --alpaca'],
    ],
    [
      '--from after --to',
      [
        '--strategy',
        'ma-cross',
        '--seed',
        '1',
        '--symbols',
        'AAPL',
        '--from',
        '2025-01-06',
        '--to',
        '2025-01-03',
      ],
      ['--from 2025-01-06 is after --to 2025-01-03'],
    ],
    [
      '--split 1.5',
      ['--strategy', 'ma-cross', ...good, '--split', '1.5'],
      ['--split is a fraction between 0 and 1'],
    ],
    [
      'two bad flags at once',
      ['--seed', '1', '--symbols', 'AAPL', '--from', '2025-01-02', '--to', '2025-01-03', '--split', '1.5'],
      ['--strategy NAME is required', '--split is a fraction between 0 and 1'],
    ],
    [
      'problems of single flags and of flags together, all at once',
      [
        '--seed',
        '1',
        '--data',
        'x.csv',
        '--symbols',
        'AAPL',
        '--from',
        '2025-01-05',
        '--to',
        '2025-01-03',
        '--split',
        '1.5',
      ],
      [
        '--strategy NAME is required',
        '--split is a fraction between 0 and 1',
        'give exactly one data source',
        '--from 2025-01-05 is after --to 2025-01-03',
      ],
    ],
    [
      'options that belong to a flag not given',
      ['--strategy', 'ma-cross', ...good, '--feed', 'sip', '--workers', '3', '--rank', 'sharpe'],
      [
        '--feed applies to --alpaca only',
        '--workers applies to --sweep only',
        '--rank applies to --sweep only',
      ],
    ],
  ])('exits 2 on %s, naming the problem and printing the usage', async (_case, args, problems) => {
    const out = folder.path('refused-flags');

    const { status, stdout, stderr } = await backtest([...args, '--out', out]);

    expect(status).toBe(2);
    for (const problem of problems) expect(stderr).toContain(problem);
    expect(stderr).toContain('usage: npm run backtest -- --strategy NAME');
    expect(stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('exits 1 on a CSV with a bad line, naming file:line, and writes no report', async () => {
    const data = folder.write(
      'bad.csv',
      [
        'timestamp,symbol,open,high,low,close,volume',
        '2025-03-03T14:30:00Z,AAPL,100.00,100.05,99.95,100.00,10000',
        '2025-03-03T14:31:00Z,AAPL,100.00,100.05,99.75,99.80,10000',
        // Line 4: the high is below the low.
        '2025-03-03T14:32:00Z,AAPL,99.80,99.50,99.55,99.60,10000',
        '',
      ].join('\n'),
    );
    const out = folder.path('refused-csv');

    const { status, stderr } = await backtest([
      '--strategy',
      'ma-cross',
      '--data',
      data,
      '--symbols',
      'AAPL',
      '--from',
      '2025-03-03',
      '--to',
      '2025-03-03',
      '--out',
      out,
    ]);

    expect(status).toBe(1);
    expect(stderr).toContain(`${data}:4: high 99.5 is below max(open 99.8, close 99.6)`);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 1 on a fees file with a bad rate, naming the file and the key, and writes no report', async () => {
    const fees = folder.write(
      'fees.toml',
      ['[fees]', 'sec_fee_per_million = -1', 'taf_per_share = 0.000166', 'taf_max_per_trade = 8.30', ''].join(
        '\n',
      ),
    );
    const out = folder.path('refused-fees');

    const { status, stderr } = await backtest([
      '--strategy',
      'ma-cross',
      ...good,
      '--fees',
      fees,
      '--out',
      out,
    ]);

    expect(status).toBe(1);
    expect(stderr).toContain(fees);
    expect(stderr).toContain('fees.sec_fee_per_million');
    expect(stderr).toContain('fees.commission_per_share');
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [
      'an unknown strategy, naming the choices',
      ['--strategy', 'ma-crosss'],
      'unknown strategy "ma-crosss": choose one of ma-cross, trend-following, mean-reversion, model-driven',
    ],
    [
      'a parameter that is not a number, naming it',
      ['--strategy', 'ma-cross', '--param', 'fast=abc'],
      'ma-cross: fast: ',
    ],
    [
      'a fast period not shorter than the slow one',
      ['--strategy', 'ma-cross', '--param', 'fast=30', '--param', 'slow=10'],
      'ma-cross: the fast period must be at least 1 and shorter than the slow period',
    ],
  ])('exits 1 on %s before loading any bar, and writes no report', async (_case, args, message) => {
    const out = folder.path('refused-strategy');

    const { status, stdout, stderr } = await backtest([...args, ...good, '--out', out]);

    expect(status).toBe(1);
    // Nothing before the problem: no bars were loaded, no progress was drawn.
    expect(stderr.startsWith(`backtest: ${message}`)).toBe(true);
    expect(stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});

describe('CLI: npm run backtest --sweep', () => {
  it('writes six runs ranked by Sharpe, each the run the command makes alone', async () => {
    const out = folder.path('sweep');
    const range = ['--seed', '1', '--symbols', 'AAPL,MSFT', '--from', '2025-01-02', '--to', '2025-01-10'];

    const { status, stdout } = await backtest([
      '--strategy',
      'ma-cross',
      ...range,
      '--sweep',
      'fast=2:4:1,slow=10:20:10',
      '--workers',
      '2',
      '--out',
      out,
    ]);

    expect(status).toBe(0);
    expect(existsSync(join(out, 'sweep.html'))).toBe(true);
    const [header, ...rows] = readFileSync(join(out, 'sweep.csv'), 'utf8').trimEnd().split('\r\n');
    const columns = header!.split(',');
    expect(columns.slice(0, 3)).toStrictEqual(['rank', 'fast', 'slow']);
    expect(columns.at(-1)).toBe('error');
    const table = rows.map((row) =>
      Object.fromEntries(row.split(',').map((field, k) => [columns[k], field])),
    );
    expect(table).toHaveLength(6);
    expect(table.map((row) => row.rank)).toStrictEqual(['1', '2', '3', '4', '5', '6']);
    expect(table.map((row) => `${row.fast}/${row.slow}`).sort()).toStrictEqual(
      ['2/10', '2/20', '3/10', '3/20', '4/10', '4/20'].sort(),
    );
    expect(table.every((row) => row.error === '' && row.sharpe !== '')).toBe(true);
    const sharpe = table.map((row) => Number(row.sharpe));
    expect(sharpe).toStrictEqual([...sharpe].sort((a, b) => b - a));
    const best = table[0]!;
    expect(stdout).toContain(`  1. fast=${best.fast} slow=${best.slow}: ${sharpe[0]!.toFixed(2)}\n`);

    // The best grid point run on its own gives the same figures.
    const alone = folder.path('sweep-best-alone');
    const single = await backtest([
      '--strategy',
      'ma-cross',
      ...range,
      '--param',
      `fast=${best.fast}`,
      '--param',
      `slow=${best.slow}`,
      '--out',
      alone,
    ]);
    expect(single.status).toBe(0);
    const metrics = readReport(alone).metrics.all as Record<string, number>;
    expect(Number(best.sharpe)).toBeCloseTo(metrics.sharpe!, 9);
    expect(Number(best.totalReturn)).toBeCloseTo(metrics.totalReturn!, 9);
    expect(Number(best.trades)).toBe(metrics.closingTrades);
  });
});

describe('CLI: npm run backtest --alpaca, against the simulator', () => {
  it('downloads through the market-data REST, then runs from the cache alone with the simulator stopped', async () => {
    // The simulator on virtual time, its market run from Monday 3 March 2025 to Wednesday noon,
    // so its history holds Monday and Tuesday. The child's "today" is the wall clock's, long
    // after them, so both days are over for it and go to the cache.
    const clock = new ManualClock(newYorkToUtcMs('2025-03-03', 0));
    const sim = await startSimulator({
      clock,
      symbols: ['AAPL', 'MSFT'],
      seed: 7,
      messagesPerSecond: 1,
      sessionHours: 'nyse',
    });
    let stopped = false;
    try {
      sim.advanceTo(newYorkToUtcMs('2025-03-05', 12 * 60));
      const cache = folder.path('alpaca-cache');
      const args = (out: string) => [
        '--strategy',
        'ma-cross',
        '--alpaca',
        '--cache-dir',
        cache,
        '--symbols',
        'AAPL,MSFT',
        '--from',
        '2025-03-03',
        '--to',
        '2025-03-04',
        '--out',
        out,
      ];
      const env = {
        APCA_API_KEY_ID: DEFAULT_SIM_KEY_ID,
        APCA_API_SECRET_KEY: DEFAULT_SIM_SECRET_KEY,
        APCA_API_DATA_URL: sim.baseUrl,
      };

      const downloaded = await backtest(args(folder.path('alpaca-first')), env);
      await sim.close();
      stopped = true;
      const cached = await backtest(args(folder.path('alpaca-second')), env);

      expect(downloaded.stderr).not.toMatch(/backtest:/);
      expect(downloaded.status).toBe(0);
      expect(cached.status).toBe(0);
      const report = readReport(folder.path('alpaca-first'));
      expect(report.meta).toMatchObject({
        symbols: ['AAPL', 'MSFT'],
        source: 'Alpaca iex bars, adjustment raw',
      });
      expect(report.meta.bars).toBeGreaterThan(2 * 2 * 390);
      expect(report.trades.length).toBeGreaterThan(0);
      expect(readFileSync(join(folder.path('alpaca-second'), 'report.json'))).toStrictEqual(
        readFileSync(join(folder.path('alpaca-first'), 'report.json')),
      );
      expect(existsSync(join(cache, 'stocks/iex/raw/AAPL/2025-03-04.csv'))).toBe(true);
    } finally {
      if (!stopped) await sim.close();
    }
  });
});
