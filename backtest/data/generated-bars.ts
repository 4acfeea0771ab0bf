/**
 * The `--seed` source: minute bars of the simulator's market, generated at bar resolution (its tick
 * generator would take hours for a year). Each symbol keeps its simulator traits (starting price,
 * volatility, tick size; sim/market/symbol-traits.ts) and its own random stream (sim/market/prng.ts)
 * seeded from the seed and the symbol, so symbols are independent and a seed gives the same bars
 * byte for byte. Equities trade in NYSE regular sessions (holidays and 13:00 early closes from
 * shared/time), crypto pairs around the clock.
 *
 * The price walks from a fixed origin, 2000-01-01, so a date's bars are the same whatever range is
 * asked for (a run over March and one over the year agree on March). Two levels keep that cheap:
 * - per session (a trading day, or a New York calendar day for crypto), a log-price walk with one
 *   draw for the session's return and one for the overnight gap, reverting slowly to the starting
 *   price so decades of walk stay in a plausible range;
 * - within a session in range, a Brownian bridge from the session's open to its drawn close, in
 *   sub-steps of the minute from the session's own stream: a bar's high and low are the extremes
 *   of the sub-steps, its open the previous bar's close.
 * Volume follows the equities' U-shaped day (sim/market/minute-activity.ts), scaled by the size of
 * the move and log-normal noise.
 */
import { isCryptoSymbol } from '../../shared/domain/symbol.ts';
import { addDays, newYorkToUtcMs } from '../../shared/time/new-york-time.ts';
import { tradingDay } from '../../shared/time/nyse-calendar.ts';
import { stockActivityAt } from '../../sim/market/minute-activity.ts';
import { hashString, Prng } from '../../sim/market/prng.ts';
import { type SymbolTraits, symbolTraits } from '../../sim/market/symbol-traits.ts';
import { BarColumnsBuilder } from './bar-columns.ts';
import { BarDataError } from './bar-data-error.ts';

export interface GeneratedBarsRequest {
  readonly seed: number;
  readonly symbols: readonly string[];
  /** New York dates, inclusive. */
  readonly from: string;
  readonly to: string;
}

/** Where every generated walk starts, at the symbol's initial price. */
export const GENERATED_ORIGIN_DATE = '2000-01-01';

/** Sub-steps per minute whose extremes make the high and low. */
const SUB_STEPS = 6;
/**
 * A symbol's annual volatility is over the simulator's trading year, 252 sessions of 6.5 hours
 * (sim/market/symbol-state.ts): per minute it is σ / √(252 × 390), for crypto's minutes too.
 */
const MINUTES_PER_TRADING_YEAR = 252 * 390;
/** Overnight moves carry about a fifth of a US stock's daily variance: as much as this many minutes. */
const OVERNIGHT_MINUTES = 100;
/** Half-life of the pull back to the initial price, in sessions (about a year of trading days). */
const REVERSION_HALF_LIFE_SESSIONS = 250;
const REVERSION = 1 - 2 ** (-1 / REVERSION_HALF_LIFE_SESSIONS);
/** An average regular-session minute of a liquid stock. */
const EQUITY_SHARES_PER_MINUTE = 15_000;
const CRYPTO_TRADES_PER_MINUTE = 10;
const MS_PER_MINUTE = 60_000;
const MINUTES_PER_DAY = 24 * 60;
/** The New York day of the November switch has 25 hours. */
const LONGEST_DAY_MINUTES = 25 * 60;
const US_PER_MINUTE = 60_000_000;
/** The simulator's price floor, in ticks. */
const FLOOR_TICKS = 2;
/** The simulator's intraday activity of stocks by New York minute of the day, computed once. */
const STOCK_ACTIVITY = Float64Array.from({ length: MINUTES_PER_DAY }, (_, minute) => stockActivityAt(minute));

interface Session {
  readonly date: string;
  /** Minutes of trading in it. */
  readonly minutes: number;
  /** Minutes whose variance its return carries. */
  readonly returnMinutes: number;
  /** New York minute of day at which it opens. */
  readonly openMinute: number;
}

/**
 * Sessions from the origin to `to`: trading days for equities, every New York day for crypto. A
 * crypto day's length is looked up only in range (a time-zone lookup per day since 2000 would cost
 * more than the bars); its return is drawn for 24 hours either way, so a date's draw does not
 * depend on the range.
 */
function sessionsUntil(from: string, to: string, crypto: boolean): Session[] {
  const sessions: Session[] = [];
  for (let date = GENERATED_ORIGIN_DATE; date <= to; date = addDays(date, 1)) {
    if (crypto) {
      const minutes =
        date < from
          ? MINUTES_PER_DAY
          : (newYorkToUtcMs(addDays(date, 1), 0) - newYorkToUtcMs(date, 0)) / MS_PER_MINUTE;
      sessions.push({ date, minutes, returnMinutes: MINUTES_PER_DAY, openMinute: 0 });
      continue;
    }
    const day = tradingDay(date);
    if (day === null) continue;
    const minutes = day.closeMinute - day.openMinute;
    sessions.push({ date, minutes, returnMinutes: minutes, openMinute: day.openMinute });
  }
  return sessions;
}

/** Generates one session's minute bars of a symbol into `bars`. */
class SessionPath {
  readonly #traits: SymbolTraits;
  readonly #symbolSeed: number;
  readonly #sigmaMinute: number;
  readonly #log = new Float64Array(1 + LONGEST_DAY_MINUTES * SUB_STEPS);

  constructor(traits: SymbolTraits, symbolSeed: number, sigmaMinute: number) {
    this.#traits = traits;
    this.#symbolSeed = symbolSeed;
    this.#sigmaMinute = sigmaMinute;
  }

  write(
    bars: BarColumnsBuilder,
    symbol: number,
    session: Session,
    openLog: number,
    sessionReturn: number,
  ): void {
    const prng = new Prng(hashString(session.date, this.#symbolSeed));
    const steps = session.minutes * SUB_STEPS;
    const path = this.#log;
    // A Brownian bridge in log price: a free walk, then the straight line that moves its end onto
    // the session's return. Extremes are taken in log space, so a bar costs three exps
    // (high, low, close), not one a step.
    const sigmaStep = this.#sigmaMinute / Math.sqrt(SUB_STEPS);
    let walk = 0;
    for (let k = 1; k <= steps; k++) {
      walk += sigmaStep * prng.gaussian();
      path[k] = walk;
    }
    const correction = (walk - sessionReturn) / steps;
    path[0] = openLog;
    for (let k = 1; k <= steps; k++) path[k] = openLog + path[k]! - k * correction;

    const { ticksPerUnit, crypto } = this.#traits;
    const floor = FLOOR_TICKS / ticksPerUnit;
    const price = (log: number): number =>
      Math.max(floor, Math.round(Math.exp(log) * ticksPerUnit) / ticksPerUnit);
    const volumeScale = 10 ** this.#traits.sizeDecimals;
    const baseVolume = crypto
      ? this.#traits.typicalTradeSize * CRYPTO_TRADES_PER_MINUTE
      : EQUITY_SHARES_PER_MINUTE;
    const openUs = newYorkToUtcMs(session.date, session.openMinute) * 1000;
    let open = price(openLog);
    for (let minute = 0; minute < session.minutes; minute++) {
      const first = minute * SUB_STEPS;
      let high = path[first]!;
      let low = high;
      for (let k = first + 1; k <= first + SUB_STEPS; k++) {
        const value = path[k]!;
        if (value > high) high = value;
        else if (value < low) low = value;
      }
      const closeLog = path[first + SUB_STEPS]!;
      const close = price(closeLog);
      const activity = crypto ? 1 : STOCK_ACTIVITY[session.openMinute + minute]!;
      const move = Math.abs(closeLog - path[first]!) / this.#sigmaMinute;
      const noise = Math.exp(0.5 * prng.gaussian() - 0.125);
      const volume =
        Math.round(baseVolume * activity * noise * (0.6 + 0.5 * move) * volumeScale) / volumeScale;
      const startUs = openUs + minute * US_PER_MINUTE;
      const problem = bars.append(symbol, startUs, open, price(high), price(low), close, volume);
      // Rounding to ticks keeps the order of open, high, low and close: a problem here is a bug.
      if (problem !== undefined) throw new Error(`generated ${this.#traits.symbol} bar: ${problem}`);
      open = close;
    }
  }
}

/** Minute bars of the seed's market for the symbols, New York dates from–to inclusive. */
export function generateBars(request: GeneratedBarsRequest): BarColumnsBuilder {
  const { seed, from, to } = request;
  if (from < GENERATED_ORIGIN_DATE)
    throw new BarDataError(`generated bars start on ${GENERATED_ORIGIN_DATE}; --from ${from} is before that`);
  const bars = new BarColumnsBuilder();
  const sessionsOf = new Map<boolean, Session[]>();
  for (const symbol of request.symbols) {
    const crypto = isCryptoSymbol(symbol);
    let sessions = sessionsOf.get(crypto);
    if (sessions === undefined) {
      sessions = sessionsUntil(from, to, crypto);
      sessionsOf.set(crypto, sessions);
    }
    const traits = symbolTraits(symbol, seed);
    const symbolSeed = hashString(symbol, seed);
    const walk = new Prng(symbolSeed);
    const sigmaMinute = traits.annualVolatility / Math.sqrt(MINUTES_PER_TRADING_YEAR);
    const path = new SessionPath(traits, symbolSeed, sigmaMinute);
    const index = bars.symbolIndex(symbol);
    bars.reserve(
      index,
      sessions.reduce((sum, session) => sum + (session.date >= from ? session.minutes : 0), 0),
    );
    const originLog = Math.log(traits.initialPrice);
    let openLog = originLog;
    for (const session of sessions) {
      const sessionReturn = sigmaMinute * Math.sqrt(session.returnMinutes) * walk.gaussian();
      const overnight = crypto ? 0 : sigmaMinute * Math.sqrt(OVERNIGHT_MINUTES) * walk.gaussian();
      if (session.date >= from) path.write(bars, index, session, openLog, sessionReturn);
      openLog += sessionReturn + overnight - REVERSION * (openLog - originLog);
    }
  }
  return bars;
}
