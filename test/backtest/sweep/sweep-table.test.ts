import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { renderSweepCsv } from '../../../backtest/sweep/sweep-csv.ts';
import { parseSweepSpec } from '../../../backtest/sweep/sweep-grid.ts';
import { renderSweepHtml } from '../../../backtest/sweep/sweep-html.ts';
import { renderSweepMarkdown } from '../../../backtest/sweep/sweep-markdown.ts';
import { SWEEP_METRIC_NAMES, type SweepMetrics } from '../../../backtest/sweep/sweep-metrics.ts';
import { rankSweepRuns, type SweepRun } from '../../../backtest/sweep/sweep-ranking.ts';
import { writeSweepTable } from '../../../backtest/sweep/sweep-table.ts';
import { escapeHtml } from '../../../shared/text/escape-html.ts';
import { tempFolder } from '../../support/temp-files.ts';

function metrics(values: Partial<SweepMetrics>): SweepMetrics {
  return {
    ...(Object.fromEntries(SWEEP_METRIC_NAMES.map((name) => [name, null])) as SweepMetrics),
    ...values,
  };
}

const runs: SweepRun[] = [
  {
    params: { fast: 5, mode: 'long' },
    metrics: metrics({ totalReturn: 0.1234, sharpe: 0.8, maxDrawdown: 0.2, trades: 1200 }),
  },
  {
    params: { fast: 5, mode: 'short' },
    error: 'RangeError: "slow" must exceed "fast",\nsaid the strategy <ma-cross>',
  },
  {
    params: { fast: 10, mode: 'long' },
    metrics: metrics({ totalReturn: 0.25, sharpe: 1.5, maxDrawdown: 0.1, trades: 800 }),
  },
  {
    params: { fast: 10, mode: 'short' },
    metrics: metrics({ sharpe: Number.POSITIVE_INFINITY, profitFactor: Number.NaN }),
  },
];

/** A minimal RFC 4180 reader, to check the CSV reads back as written. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const character = text[i]!;
    if (quoted) {
      if (character === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      record.push(field);
      field = '';
    } else if (character === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else field += character;
  }
  return records;
}

describe('renderSweepCsv', () => {
  it('writes rank, parameters, every metric and the error, best first, quoting what needs it', () => {
    const csv = renderSweepCsv(['fast', 'mode'], rankSweepRuns(runs, 'sharpe'));

    expect(csv.split('\r\n')[0]).toBe(
      'rank,fast,mode,totalReturn,cagr,sharpe,sortino,calmar,maxDrawdown,profitFactor,winRate,trades,error',
    );
    expect(csv).toContain('\r\n1,10,short,,,Infinity,,,,NaN,,,\r\n');
    expect(parseCsv(csv).slice(1)).toStrictEqual([
      ['1', '10', 'short', '', '', 'Infinity', '', '', '', 'NaN', '', '', ''],
      ['2', '10', 'long', '0.25', '', '1.5', '', '', '0.1', '', '', '800', ''],
      ['3', '5', 'long', '0.1234', '', '0.8', '', '', '0.2', '', '', '1200', ''],
      [
        '4',
        '5',
        'short',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        'RangeError: "slow" must exceed "fast",\nsaid the strategy <ma-cross>',
      ],
    ]);
    expect(csv).toContain('"RangeError: ""slow"" must exceed ""fast"",\nsaid the strategy <ma-cross>"\r\n');
  });
});

describe('renderSweepHtml', () => {
  const html = renderSweepHtml(
    { title: 'ma-cross on <AAPL> & "MSFT"', metric: 'maxDrawdown', parameterNames: ['fast', 'mode'] },
    rankSweepRuns(runs, 'maxDrawdown'),
  );

  it('is one page that loads nothing', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|href=|url\(|@import/i);
  });

  it('escapes every string that came from the run', () => {
    expect(html).toContain('<title>Sweep: ma-cross on &lt;AAPL&gt; &amp; &quot;MSFT&quot;</title>');
    expect(html).toContain(
      'RangeError: &quot;slow&quot; must exceed &quot;fast&quot;,\nsaid the strategy &lt;ma-cross&gt;',
    );
    expect(html).not.toContain('<ma-cross>');
    expect(escapeHtml(`<a href='x'>&</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('lists runs in rank order with readable numbers and the ranking column marked', () => {
    const rows = html.match(/<tr(?: class="failed")?><td>.*?<\/tr>/gs)!;

    expect(html).toContain('4 runs ranked by Max drawdown (lower is better); 1 failed, listed last');
    expect(rows).toHaveLength(4);
    expect(rows[0]).toContain(
      '<td>1</td><td class="param">10</td><td class="param">long</td><td>25.00%</td>',
    );
    expect(rows[0]).toContain('<td class="ranked">10.00%</td>');
    expect(rows[0]).toContain('<td>800</td>');
    expect(rows[1]).toContain('<td>1,200</td>');
    expect(rows[2]).toContain('<td>∞</td>');
    expect(rows[3]).toMatch(
      /^<tr class="failed"><td>4<\/td><td class="param">5<\/td><td class="param">short<\/td>/,
    );
  });
});

describe('renderSweepMarkdown', () => {
  const markdown = renderSweepMarkdown(
    { title: 'ma-cross on AAPL, MSFT', metric: 'maxDrawdown', parameterNames: ['fast', 'mode'] },
    rankSweepRuns(runs, 'maxDrawdown'),
    ['Run 20261202T203015Z-0123abcd.'],
  );

  it("has sweep.html's caption, columns and numbers, the ranking column in bold", () => {
    const lines = markdown.split('\n');
    expect(lines.slice(0, 7)).toStrictEqual([
      '# Sweep: ma-cross on AAPL, MSFT',
      '',
      '## Runs',
      '',
      '4 runs ranked by Max drawdown (lower is better); 1 failed, listed last.',
      '',
      'Run 20261202T203015Z-0123abcd.',
    ]);
    expect(lines).toContain(
      '| Rank | fast | mode | Total return | CAGR | Sharpe | Sortino | Calmar | **Max drawdown** | Profit factor | Win rate | Trades | Error |',
    );
    expect(lines).toContain('| 1 | 10 | long | 25.00% | – | 1.50 | – | – | 10.00% | – | – | 800 |  |');
  });

  it('keeps a failed run on one row: its line break a space, its pipes escaped', () => {
    const failed = renderSweepMarkdown(
      { title: 't', metric: 'sharpe', parameterNames: ['fast'] },
      rankSweepRuns([{ params: { fast: 1 }, error: 'Error: a | b\nc' }], 'sharpe'),
    );
    expect(failed).toContain('| 1 | 1 | – | – | – | – | – | – | – | – | – | Error: a \\| b c |\n');
  });
});

describe('writeSweepTable', () => {
  const folder = tempFolder();
  afterEach(() => folder.remove());

  it('writes sweep.csv and sweep.html in the same ranked order', async () => {
    const axes = parseSweepSpec('fast=5:10:5,mode=long|short');

    const written = await writeSweepTable(folder.path('out/sweep-1'), {
      title: 'ma-cross',
      axes,
      runs,
      rankBy: 'totalReturn',
    });

    expect(written.csvPath).toBe(folder.path('out/sweep-1/sweep.csv'));
    expect(written.ranked.map((run) => run.gridIndex)).toStrictEqual([2, 0, 3, 1]);
    const csv = parseCsv(readFileSync(written.csvPath, 'utf8'));
    expect(csv.slice(1).map((record) => record.slice(0, 3))).toStrictEqual([
      ['1', '10', 'long'],
      ['2', '5', 'long'],
      ['3', '10', 'short'],
      ['4', '5', 'short'],
    ]);
    expect(readFileSync(written.htmlPath, 'utf8')).toContain(
      '4 runs ranked by Total return (higher is better)',
    );
  });
});
