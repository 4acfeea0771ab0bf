/** The data source as a person named it, for the report and the summary: never a key, never an absolute path made up here. */
import type { DataSource } from './backtest-args.ts';

export function describeSource(source: DataSource): string {
  switch (source.kind) {
    case 'seed':
      return `generated market, seed ${source.seed}`;
    case 'data':
      return `file ${source.path}`;
    case 'alpaca':
      return `Alpaca ${source.feed} bars, adjustment ${source.adjustment}`;
  }
}
