/**
 * uPlot's browser build and stylesheet, read from node_modules when a page is built (a backtest
 * report, the engine's dashboard) so the page carries its charts with it and needs no network. uPlot (MIT, no
 * dependencies, about 50 kB minified) draws time series on canvas; lightweight-charts would add a
 * TradingView attribution link to every chart, and echarts weighs a megabyte.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

export interface ChartLibrary {
  /** Defines the global `uPlot`. */
  readonly script: string;
  readonly stylesheet: string;
}

const require = createRequire(import.meta.url);

export async function loadChartLibrary(): Promise<ChartLibrary> {
  const [script, stylesheet] = await Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  ]);
  return { script, stylesheet };
}

// A library's text must not close the element it is inlined in.
export function inlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

export function inlineStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}
