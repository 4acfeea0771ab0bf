/**
 * A symbol as a file or folder name and back: a crypto pair's slash cannot be in a name, so it is
 * written as a dash (BTC/USD ↔ BTC-USD), which no equity ticker contains (class shares use a dot,
 * BRK.B).
 */
import { parseSymbol } from '../../shared/domain/symbol.ts';

export function symbolFileStem(symbol: string): string {
  return symbol.replace('/', '-');
}

/** The symbol a file stem names (AAPL, BRK.B, BTC-USD), or undefined when it names none. */
export function symbolOfFileStem(stem: string): string | undefined {
  const parsed = parseSymbol(stem.replace('-', '/'));
  return parsed.ok ? parsed.instrument.symbol : undefined;
}
