import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stockDataMessageSchema } from '../../../shared/broker/alpaca/market-data/wire-schemas.ts';
import { createMarket } from '../../../sim/market/market.ts';
import { recordMarket } from '../../../sim/replay/recorder.ts';
import { replayFile, replayLines } from '../../../sim/replay/replay.ts';
import { ReplaySource, replaySourceFromFile } from '../../../sim/replay/replay-source.ts';
import { SESSION_START_MS, simContext } from '../market/market-fixture.ts';
import {
  dataMessages,
  type MarketDataServer,
  StreamClient,
  startMarketDataServer,
} from '../marketdata/market-data-server.ts';

const SAMPLE = join(import.meta.dirname, '../../fixtures/marketdata/replay-sample.ndjson');
const sampleLines = readFileSync(SAMPLE, 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#'));

async function* linesOf(lines: readonly string[]): AsyncIterable<string> {
  yield* lines;
}

describe('Feature: replay of a recorded file', () => {
  let server: MarketDataServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('replays a file as fast as possible into the market, byte-identical when recorded again', async () => {
    const market = createMarket(simContext({ symbols: [] }), { generate: false });
    const recorded: string[] = [];
    recordMarket(market, (line) => recorded.push(line));
    const report = await replayFile(market, SAMPLE, 'max').done;
    expect(report).toStrictEqual({
      published: sampleLines.length,
      rejected: 0,
      problems: [],
      stopped: false,
    });
    expect(recorded).toStrictEqual(sampleLines);
    expect(market.latestQuote('AAPL')).toBeDefined();
    expect(market.history.bars('AAPL')!.minute).toHaveLength(1);
    expect(market.symbols).toStrictEqual(['AAPL', 'BTC/USD']);
  });

  it('feeds the stream clients through the same listeners', async () => {
    server = await startMarketDataServer({ symbols: [] }, {}, { generate: false });
    const client = new StreamClient(`ws://127.0.0.1:${server.port}/v2/iex`);
    await client.authenticate();
    client.send({ action: 'subscribe', trades: ['AAPL'], quotes: ['AAPL'], bars: ['AAPL'], statuses: ['*'] });
    await client.frameCount(3);
    await replayFile(server.market, SAMPLE, 'max').done;
    const expected = sampleLines.filter(
      (line) => line.includes('"S":"AAPL"') && !/"T":"[dl]"/.test(line),
    ).length;
    await client.until((frames) => dataMessages(frames).length === expected);
    for (const message of dataMessages(client.frames)) stockDataMessageSchema.parse(message);
    client.close();
  });

  it('paces a replay at N times the recorded speed', async () => {
    const market = createMarket(simContext({ symbols: [] }), { generate: false });
    const opening = sampleLines.slice(0, 40);
    const spanMs = (Date.parse(JSON.parse(opening.at(-1)!).t) - Date.parse(JSON.parse(opening[0]!).t)) / 50;
    const started = performance.now();
    const report = await replayLines(market, linesOf(opening), 50).done;
    expect(report.published).toBe(40);
    expect(performance.now() - started).toBeGreaterThanOrEqual(spanMs - 2);
  });

  it('stops a real-time replay on request', async () => {
    const market = createMarket(simContext({ symbols: [] }), { generate: false });
    const replay = replayLines(market, linesOf(sampleLines), 1);
    setTimeout(() => replay.stop(), 100);
    const report = await replay.done;
    expect(report.stopped).toBe(true);
    expect(report.published).toBeLessThan(sampleLines.length);
  });

  it('skips and reports bad lines without stopping', async () => {
    const market = createMarket(simContext({ symbols: [] }), { generate: false });
    const lines = [
      sampleLines[0]!,
      '{"T":"q","S":"AAPL"',
      '{"T":"q","S":"AAPL","bp":"one","t":"2026-11-24T15:00:00Z"}',
      '',
      '# a comment',
      '{"T":"i","S":"AAPL","p":1,"z":"C","t":"2026-11-24T15:00:00Z"}',
      sampleLines[1]!,
    ];
    const report = await replayLines(market, linesOf(lines), 'max').done;
    expect(report.published).toBe(2);
    expect(report.rejected).toBe(3);
    expect(report.problems[0]).toBe('line 2: not valid JSON');
    expect(report.problems[1]).toMatch(/^line 3: /);
    expect(report.problems[2]).toMatch(/^line 6: /);
  });

  it('refuses a speed that is not positive', () => {
    const market = createMarket(simContext({ symbols: [] }), { generate: false });
    expect(() => replayLines(market, linesOf([]), 0)).toThrow(RangeError);
  });
});

describe('Feature: replay on a virtual clock', () => {
  it('publishes exactly the recorded events up to each advanceTo, and all of them in the end', () => {
    const market = createMarket(simContext({ symbols: [] }), { generate: false });
    const recorded: string[] = [];
    recordMarket(market, (line) => recorded.push(line));
    const source = replaySourceFromFile(SAMPLE);
    market.addSource(source);
    const stampMs = (line: string): number => Date.parse((JSON.parse(line) as { t: string }).t);
    const firstMs = stampMs(sampleLines[0]!);
    market.advanceTo(firstMs + 10_000);
    // File order: a bar's t is the start of its minute, so it goes out right after the line before it.
    const due = sampleLines.slice(
      0,
      sampleLines.findIndex((line) => stampMs(line) > firstMs + 10_000),
    );
    expect(recorded).toStrictEqual(due);
    expect(market.nowUs()).toBe((firstMs + 10_000) * 1000);
    market.advanceTo(firstMs + 3_600_000);
    expect(recorded).toStrictEqual(sampleLines);
    expect(source.report()).toStrictEqual({ published: sampleLines.length, rejected: 0, problems: [] });
    expect(source.nextUs()).toBeUndefined();
  });

  it('interleaves a replay with the generated market by timestamp', () => {
    const market = createMarket(simContext({ symbols: ['SPY'], messagesPerSecond: 100 }));
    const stamps: number[] = [];
    market.onQuote((quote) => stamps.push(quote.timestampUs));
    market.addSource(new ReplaySource(sampleLines.filter((line) => line.includes('"S":"AAPL"'))));
    market.advanceTo(SESSION_START_MS + 30_000);
    expect(stamps.length).toBeGreaterThan(2_000);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBeGreaterThanOrEqual(stamps[i - 1]!);
  });

  it('counts and names bad lines', () => {
    const source = new ReplaySource(['{"T":"q"', sampleLines[0]!, '{"T":"t","S":"AAPL"}']);
    const market = createMarket(simContext({ symbols: [] }), { generate: false });
    market.addSource(source);
    market.advanceTo(SESSION_START_MS + 60_000);
    expect(source.report()).toMatchObject({ published: 1, rejected: 2 });
    expect(source.report().problems).toHaveLength(2);
  });
});
