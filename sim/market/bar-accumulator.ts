/**
 * Running open/high/low/close/volume of a bar while its trades arrive, and the quote-midpoint
 * range Alpaca uses for a crypto bar with no trades. Mutable and reused: one pair per symbol.
 */
import type { SimBar } from './market-events.ts';

export class BarAccumulator {
  startUs = -1;
  open = 0;
  high = 0;
  low = 0;
  close = 0;
  volume = 0;
  trades = 0;
  notional = 0;

  reset(startUs: number): void {
    this.startUs = startUs;
    this.volume = 0;
    this.trades = 0;
    this.notional = 0;
  }

  add(price: number, size: number): void {
    if (this.trades === 0) {
      this.open = price;
      this.high = price;
      this.low = price;
    } else {
      if (price > this.high) this.high = price;
      if (price < this.low) this.low = price;
    }
    this.close = price;
    this.volume += size;
    this.trades++;
    this.notional += price * size;
  }

  toBar(symbol: string, kind: SimBar['kind'], volumeDecimals: number): SimBar {
    const scale = 10 ** volumeDecimals;
    return {
      symbol,
      kind,
      startUs: this.startUs,
      open: this.open,
      high: this.high,
      low: this.low,
      close: this.close,
      volume: Math.round(this.volume * scale) / scale,
      tradeCount: this.trades,
      vwap: Math.round((this.notional / this.volume) * 1e6) / 1e6,
    };
  }
}

/** Quote midpoints of a crypto minute, for the bar Alpaca sends when no trade happened. */
export class MidRange {
  startUs = -1;
  open = 0;
  high = 0;
  low = 0;
  close = 0;

  add(startUs: number, mid: number): void {
    if (startUs !== this.startUs) {
      this.startUs = startUs;
      this.open = mid;
      this.high = mid;
      this.low = mid;
    } else {
      if (mid > this.high) this.high = mid;
      if (mid < this.low) this.low = mid;
    }
    this.close = mid;
  }
}
