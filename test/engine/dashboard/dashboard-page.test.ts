/**
 * The dashboard page as the engine serves it: one document that carries everything it runs and
 * may reach nothing but its own engine; and its browser code's pure parts (the event-stream
 * parser, the checks that let the page skip malformed events, the formatters).
 */
import { describe, expect, it } from 'vitest';
import {
  EventStreamParser,
  formatMicros,
  formatUsd,
  isEngineState,
  isFill,
  retryDelayMs,
} from '../../../engine/dashboard/dashboard-client.js';
import { loadDashboardPage } from '../../../engine/dashboard/dashboard-page.ts';
import { type EngineStateEvent, engineStateEvent } from '../../../shared/api/engine-api-schemas.ts';

const html = await loadDashboardPage();

const STATE: EngineStateEvent = {
  at: '2026-11-24T15:00:00.000Z',
  health: { status: 'ok', checks: {} },
  pnl: {
    sessionDate: '2026-11-24',
    realized: '12.5',
    unrealized: '-3',
    daily: '9.5',
    exposure: { gross: '300', net: '300' },
    intraday: [{ at: '2026-11-24T14:59:00.000Z', daily: '9.5' }],
  },
  positions: [
    {
      symbol: 'AAPL',
      side: 'long',
      qty: '3',
      avgEntryPrice: '100',
      markPrice: '99',
      marketValue: '297',
      unrealizedPnl: '-3',
      closing: false,
    },
  ],
  orders: [],
  fills: [
    {
      clientOrderId: 'x1',
      symbol: 'AAPL',
      side: 'buy',
      qty: '3',
      price: '100',
      realizedPnl: '0',
      at: '2026-11-24T14:58:00.000Z',
    },
  ],
  risk: {
    breaker: 'normal',
    reconciled: true,
    killSwitch: false,
    limits: [{ name: 'gross exposure', used: 300, limit: 50_000, unit: 'usd' }],
  },
  strategies: [{ id: 'momentum', symbols: ['AAPL'], enabled: true, latched: false }],
  feeds: [{ name: 'stocks', state: 'ready' }],
  hotPath: { count: 10, p50Us: 2.1, p90Us: 3, p99Us: 4.2, maxUs: 40 },
};

describe('the dashboard page', () => {
  it('is one document: no external script, style, image, font or frame, no URL but uPlot’s licence banner', () => {
    expect(html).toMatch(/^<!doctype html>/);
    const markup = html.replace(/(<(script|style)\b[^>]*>)[\s\S]*?(<\/\2>)/gi, '$1$3');
    expect(markup).not.toMatch(/\s(src|href|srcset|action|poster|data)\s*=/i);
    expect(markup).not.toMatch(/<(link|iframe|img|object|embed|base)\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    // Nothing in the scripts loads code or opens a connection of its own.
    expect(html).not.toMatch(/\bimport\(|new Worker|XMLHttpRequest|new WebSocket|new EventSource|\.src\s*=/);
    // The only absolute URL is inside uPlot's /*! … */ banner comment, which a browser never requests.
    expect(html.match(/\b(?:https?|wss?):\/\/[^\s"'`)]+/gi)).toStrictEqual([
      'https://github.com/leeoniya/uPlot',
    ]);
    expect(html).toContain('/*! https://github.com/leeoniya/uPlot');
  });

  it('forbids every request but to its own origin, and any form navigation', () => {
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("form-action 'none'");
  });

  it('carries uPlot and starts its own script', () => {
    expect(html).toContain('uPlot');
    expect(html).toContain('startDashboard(window);');
    expect(html).not.toMatch(/<\/script[^>]*>\s*<\/script>/);
  });
});

describe('Class: EventStreamParser', () => {
  it('parses events split anywhere, with any line ending, skipping comments', () => {
    const stream =
      ': keep-alive\n\nevent: state\ndata: {"a":1}\n\nevent: fill\r\ndata: {"b":\r\ndata: 2}\r\n\r\ndata: plain\r\r';
    for (const size of [1, 2, 3, 7, stream.length]) {
      const parser = new EventStreamParser();
      const events = [];
      for (let i = 0; i < stream.length; i += size) events.push(...parser.push(stream.slice(i, i + size)));
      expect(events).toStrictEqual([
        { event: 'state', data: '{"a":1}' },
        { event: 'fill', data: '{"b":\n2}' },
        { event: 'message', data: 'plain' },
      ]);
    }
  });

  it('holds an event until its blank line arrives', () => {
    const parser = new EventStreamParser();
    expect(parser.push('event: state\ndata: {}\n')).toStrictEqual([]);
    expect(parser.push('\n')).toStrictEqual([{ event: 'state', data: '{}' }]);
  });
});

describe('the checks that skip malformed events', () => {
  it('accepts what the engine sends', () => {
    expect(engineStateEvent.parse(STATE)).toStrictEqual(STATE);
    expect(isEngineState(STATE)).toBe(true);
    expect(isEngineState({ ...STATE, hotPath: null })).toBe(true);
    expect(isFill(STATE.fills[0])).toBe(true);
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['no pnl', { ...STATE, pnl: undefined }],
    ['a number for a decimal', { ...STATE, pnl: { ...STATE.pnl, daily: 9.5 } }],
    ['positions not an array', { ...STATE, positions: {} }],
    [
      'a limit without numbers',
      { ...STATE, risk: { ...STATE.risk, limits: [{ name: 'x', used: '1', limit: 2 }] } },
    ],
    ['a bad latency', { ...STATE, hotPath: { count: 1 } }],
    ['a fill without a price', { ...STATE, fills: [{ ...STATE.fills[0], price: undefined }] }],
  ])('refuses a state with %s', (_, value) => {
    expect(isEngineState(value)).toBe(false);
  });
});

describe('the formatters', () => {
  it('writes dollars and microseconds, and a dash for anything else', () => {
    expect(formatUsd('-1234.5')).toBe('-1,234.50');
    expect(formatUsd(null)).toBe('—');
    expect(formatUsd('abc')).toBe('—');
    expect(formatMicros(2.4123)).toBe('2.41 µs');
    expect(formatMicros(123.44)).toBe('123 µs');
    expect(formatMicros(19_061)).toBe('19.1 ms');
    expect(formatMicros(undefined)).toBe('—');
  });

  it('backs off from 1 s to 30 s with jitter', () => {
    expect(retryDelayMs(0, () => 0.5)).toBe(1_000);
    expect(retryDelayMs(3, () => 0.5)).toBe(8_000);
    expect(retryDelayMs(20, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(0, () => 0)).toBe(800);
    expect(retryDelayMs(0, () => 1)).toBe(1_200);
  });
});
