import { describe, expect, it } from 'vitest';
import { renderReportHtml, TRADES_SHOWN_IN_FULL } from '../../../backtest/report/report-html.ts';
import { buildReport } from '../../../backtest/report/report-json.ts';
import { type ChartLibrary, loadChartLibrary } from '../../../shared/html/chart-library.ts';
import { curveResult, nyTime, syntheticBacktestResult, trade } from '../../support/backtest-results.ts';

const charts: ChartLibrary = await loadChartLibrary();
const HOSTILE = '<script>alert("x")</script>';

function hostileReport(): string {
  const result = curveResult(
    [
      { timeMs: nyTime('2026-03-02', '16:00'), equity: 1000 },
      { timeMs: nyTime('2026-03-03', '16:00'), equity: 1010 },
    ],
    {
      trades: [
        trade({
          timeMs: nyTime('2026-03-02', '16:00'),
          side: 'buy',
          qty: 1,
          price: 10,
          symbol: `"><img src=x onerror=alert(1)>`,
        }),
      ],
      meta: {
        strategy: HOSTILE,
        params: { "'&key<": '</style><b>bold</b>' },
        symbols: [`"><img src=x onerror=alert(1)>`],
        source: 'csv </script><script>alert(2)</script>',
        fillModel: { '<i>': '&amp;' },
      },
    },
  );
  return renderReportHtml(buildReport(result), charts);
}

describe('renderReportHtml', () => {
  it('escapes every string that comes from the run', () => {
    const html = hostileReport();
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>bold');
    expect(html).not.toContain('<i>');
    expect(html).not.toContain('alert(2)</script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&#39;&amp;key&lt; = &lt;/style&gt;&lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('&lt;i&gt; = &amp;amp;');
    // Exactly the page's own three scripts and no others.
    expect(html.match(/<script/g)).toHaveLength(3);
  });

  it('refers to nothing outside the page', () => {
    const html = renderReportHtml(buildReport(syntheticBacktestResult({ split: 0.7 })), charts);
    expect(html).not.toMatch(/\s(src|href|srcset|action|poster)\s*=/i);
    expect(html).not.toMatch(/url\s*\(|@import/i);
    // The one address on the page is uPlot's banner comment.
    expect(html.match(/\/\/[a-z0-9.-]+\.[a-z]{2,}/gi)).toStrictEqual(['//github.com']);
    expect(html).toContain('/*! https://github.com/leeoniya/uPlot');
    expect(html).toContain(charts.script);
  });

  it('shows the sections, split columns and monthly cells', () => {
    const report = buildReport(syntheticBacktestResult({ split: 0.7 }));
    const html = renderReportHtml(report, charts);
    for (const heading of [
      'Metrics',
      'Equity against buy-and-hold',
      'Drawdown',
      'Monthly returns',
      'Trades',
      'The run',
    ]) {
      expect(html).toContain(`<h2>${heading}</h2>`);
    }
    expect(html).toContain('<th scope="col">In-sample</th><th scope="col">Out-of-sample</th>');
    expect(html).toContain('id="equity-chart"');
    expect(html).toContain('id="drawdown-chart"');
    // Twelve months of 2025 and the year's total, each coloured by its sign.
    expect(html.match(/<td class="(gain|loss|flat)[^"]*" style="background:/g)).toHaveLength(13);
    expect(html.match(/<tr><td>2025-/g)).toHaveLength(report.trades.length);
    expect(renderReportHtml(buildReport(syntheticBacktestResult()), charts)).not.toContain('In-sample');
  });

  it('shows the P&L of a close at exactly its cost: nothing realised, the fee lost', () => {
    const result = curveResult(
      [
        { timeMs: nyTime('2025-01-02', '16:00'), equity: 1000 },
        { timeMs: nyTime('2025-01-03', '16:00'), equity: 999.85 },
      ],
      {
        trades: [
          trade({
            timeMs: nyTime('2025-01-02', '10:00'),
            side: 'buy',
            qty: 26,
            price: 188.98,
            positionAfter: 26,
          }),
          trade({
            timeMs: nyTime('2025-01-03', '10:00'),
            side: 'sell',
            qty: 26,
            price: 188.98,
            fee: 0.15,
            positionAfter: 0,
          }),
        ],
      },
    );
    const html = renderReportHtml(buildReport(result), charts);
    const rows = [...html.matchAll(/<tr><td>[^\n]*?<\/tr>/g)]
      .map((match) => match[0])
      .filter((row) => row.includes('188.98'));
    expect(rows).toHaveLength(2);
    // The buy opens a position: no P&L cells. The sell closes it: 0.00 realised, −0.15 net.
    expect(rows[0]).not.toContain('class="loss"');
    expect(rows[1]).toContain('<span class="loss">');
    expect(rows[1]).toMatch(/-\$?0\.15|−\$?0\.15/);
  });

  it('shows the first and last half of a long trade list and says so', () => {
    const count = TRADES_SHOWN_IN_FULL + 7;
    const trades = Array.from({ length: count }, (_, i) =>
      trade({
        timeMs: nyTime('2026-03-02', '16:00'),
        side: 'buy',
        qty: i + 1,
        price: 1,
        positionAfter: i + 1,
      }),
    );
    const html = renderReportHtml(
      buildReport(curveResult([{ timeMs: nyTime('2026-03-02', '16:00'), equity: 1000 }], { trades })),
      charts,
    );
    expect(html.match(/<tr><td>2026-03-02 16:00<\/td>/g)).toHaveLength(TRADES_SHOWN_IN_FULL);
    expect(html).toContain('… 7 trades not shown …');
    expect(html).toContain('5,007 executions, the first and last 2,500 are shown, report.json has them all.');
    // Quantities 2,500 and 2,508 are the last shown before and the first after the gap.
    expect(html).toContain('<td>2,500</td>');
    expect(html).not.toContain('<td>2,501</td>');
    expect(html).toContain('<td>2,508</td>');
  });
});
