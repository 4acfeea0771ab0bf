/**
 * report.html opened from disk in headless Chromium (Debian's package; .ci/run installs it): the
 * charts draw, the page throws nothing and asks the network for nothing.
 */
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../../backtest/report/write-report.ts';
import { syntheticBacktestResult } from '../../support/backtest-results.ts';
import { tempFolder } from '../../support/temp-files.ts';

const CHROMIUM = '/usr/bin/chromium';

describe('report.html in a browser', () => {
  const folder = tempFolder();
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    folder.remove();
  });

  it('draws both charts from the inlined library without a request or an error', async () => {
    const { htmlPath } = await writeReport(syntheticBacktestResult({ split: 0.7 }), folder.path('report'));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });

    const url = pathToFileURL(htmlPath).href;
    await page.goto(url, { waitUntil: 'load' });
    const canvases = await Promise.all(
      ['#equity-chart canvas', '#drawdown-chart canvas'].map((selector) =>
        page.locator(selector).boundingBox(),
      ),
    );
    const legend = await page.locator('#equity-chart .u-legend').textContent();
    await page.close();

    expect(errors).toStrictEqual([]);
    expect(requests).toStrictEqual([url]);
    for (const canvas of canvases) {
      expect(canvas).not.toBeNull();
      expect(canvas!.width).toBeGreaterThan(300);
      expect(canvas!.height).toBeGreaterThan(100);
    }
    expect(legend).toContain('Strategy');
    expect(legend).toContain('Buy and hold');
  });
});
