/**
 * The dashboard in headless Chromium (Debian's package; .ci/run installs it) against a running
 * engine process on the simulator: it refuses a wrong token, shows the board with the operator's,
 * sees a fill and a position arrive over the event stream, and pulls the kill switch through its
 * confirmation; the venue then holds no position and the page shows the breaker halted. The page
 * throws nothing and asks nothing of any origin but the engine's.
 *
 * The screenshot of the board is written to a temporary folder, or where DASHBOARD_SCREENSHOT
 * says (the README's docs/images/dashboard.png is made so).
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN_VARIABLES } from '../../../shared/api/api-roles.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { TEST_API_TOKENS } from '../../support/api-tokens.ts';
import { type EngineOnSimulator, startEngineOnSimulator } from '../../support/engine-on-simulator.ts';
import { tempFolder } from '../../support/temp-files.ts';

const CHROMIUM = '/usr/bin/chromium';
const PNG_SIGNATURE = '89504e470d0a1a0a';

describe('the dashboard in a browser, against the engine on the simulator', () => {
  const folder = tempFolder();
  let stack: EngineOnSimulator;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startEngineOnSimulator({
        folder,
        tablePrefix: 'dashboard-test',
        account: 'dashboard',
        seed: 11,
        env: {
          [API_TOKEN_VARIABLES.read]: TEST_API_TOKENS.read,
          [API_TOKEN_VARIABLES.operator]: TEST_API_TOKENS.operator,
          [API_TOKEN_VARIABLES.admin]: TEST_API_TOKENS.admin,
        },
      }),
      chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox'] }),
    ]);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    folder.remove();
  }, 60_000);

  const text = (page: Page, selector: string) => page.locator(selector).textContent();
  const fills = async (page: Page) => Number(await text(page, '#fill-count'));

  it('shows fills as they arrive and pulls the kill switch, which flattens the venue', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const origin = new URL(stack.api).origin;
    const offOrigin: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).origin !== origin) offOrigin.push(request.url());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      // Chromium logs the deliberate 401 and 403 below as failed resources; anything else is a fault.
      if (message.type() === 'error' && !/status of 40[13]/.test(message.text())) errors.push(message.text());
    });
    await page.goto(`${stack.api}/`);

    // A wrong token: refused, said so, and the sign-in form stays.
    await page.fill('#token', 'not-a-token-the-engine-knows');
    await page.click('#sign-in-form button[type=submit]');
    await expect.poll(() => text(page, '#sign-in-error')).toContain('HTTP 401');
    expect(await page.isVisible('#board')).toBe(false);

    // The operator's token: the board, live, nothing held.
    await page.fill('#token', TEST_API_TOKENS.operator);
    await page.click('#sign-in-form button[type=submit]');
    await expect.poll(() => text(page, '#connection')).toBe('Live');
    await expect.poll(() => text(page, '#breaker')).toBe('normal');
    expect(await text(page, '#positions')).toContain('No open positions');
    expect(await text(page, '#fill-count')).toBe('0');
    expect(page.url()).not.toContain(TEST_API_TOKENS.operator);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);

    // An order placed at the venue: the engine adopts the fill, and the page shows it.
    await stack.venue.broker.submitOrder({
      symbol: 'AAPL',
      qty: parseFixed('3'),
      side: 'buy',
      type: 'market',
      timeInForce: 'day',
      clientOrderId: 'dashboard-test-buy-1',
    });
    // The venue may fill the order in parts: each part is a fill.
    await expect.poll(() => text(page, '#positions'), { timeout: 20_000 }).toMatch(/AAPL\s*3/);
    const fillsBought = await fills(page);
    expect(fillsBought).toBeGreaterThanOrEqual(1);
    await expect.poll(() => text(page, '#exposure-gross')).not.toBe('0.00');
    await expect.poll(() => text(page, '#hot-count')).toMatch(/^[\d,]+ frames$/);
    expect(await text(page, '#feeds')).toContain('ready');
    const chart = await page.locator('#equity-chart canvas').boundingBox();
    expect(chart?.width).toBeGreaterThan(400);

    const screenshot = folder.path('dashboard.png');
    await page.screenshot({ path: screenshot });
    const destination = process.env.DASHBOARD_SCREENSHOT;
    if (destination !== undefined && destination !== '') copyFileSync(screenshot, destination);

    // The kill switch, through its confirmation.
    await page.click('#kill-switch');
    expect(await page.isVisible('#action-dialog')).toBe(true);
    await page.fill('#action-operator', 'alice');
    await page.fill('#action-reason', 'browser test: flatten everything');
    await page.click('#action-confirm');
    await expect.poll(() => text(page, '#action-result')).toMatch(/^Kill switch in force: breaker halted/);
    expect(await page.isVisible('#action-dialog')).toBe(false);

    await stack.venue.until(
      'AAPL flat at the venue',
      () => stack.venue.positions(),
      (positions) => positions.AAPL === undefined,
    );
    await expect.poll(() => text(page, '#breaker')).toBe('halted');
    await expect.poll(() => text(page, '#kill-state')).toBe('in force');
    await expect.poll(() => text(page, '#positions'), { timeout: 20_000 }).toContain('No open positions');
    await expect.poll(() => fills(page), { timeout: 20_000 }).toBeGreaterThan(fillsBought);

    // The operator's name is remembered for the next action; a reset needs the admin token.
    await page.click('#breaker-reset');
    expect(await page.inputValue('#action-operator')).toBe('alice');
    await page.fill('#action-reason', 'operator cannot reset');
    await page.click('#action-confirm');
    await expect.poll(() => text(page, '#action-error')).toContain('HTTP 403');
    await page.click('#action-cancel');
    await page.close();

    expect(errors).toStrictEqual([]);
    expect(offOrigin).toStrictEqual([]);
    expect(readFileSync(screenshot).subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
  }, 120_000);
});
