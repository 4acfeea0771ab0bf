/**
 * Carries out what risk decides: a stop that triggered, or the kill switch, closes the position.
 * Risk only announces (`stop_triggered`, `kill_switch`); this is the one component that acts.
 *
 * For each symbol to close it runs one task at a time:
 * 1. cancel every working order in the symbol except the episode's own exit, and wait until each
 *    is confirmed final at the broker with all its fills booked (not merely pending_cancel): the
 *    broker holds a position's shares for open orders, and an exit sent while an opposing order
 *    still works is refused as a potential wash trade;
 * 2. send a market exit (risk turns it into a marketable limit) for whatever position remains;
 * 3. wait for it to settle, and go round again until the position is flat: a partial fill sends
 *    the rest, an exit left working past its time is cancelled and sent again at a fresh price.
 *
 * Exits are named per session and episode (`risk:exit:SYMBOL:DATE:N`, hashed into the
 * client_order_id), never per attempt or per trigger: before sending, the episode's id is looked
 * up (in the tracker, and at the broker the first time), so a retry, a second trigger, the kill
 * switch on top of a stop, or a restart right after the send finds the exit that already exists
 * instead of sending a second one.
 *
 * Cancels and exits spend the request budget ahead of everything else (the scheduler's cancel
 * and exit priorities), and a 429 only delays them.
 */
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { type Fixed, formatFixed, ZERO } from '../../shared/domain/fixed.ts';
import type { Clock } from '../../shared/time/clock.ts';
import { closingIntent, RISK_STRATEGY_ID } from '../risk/exit-intents.ts';
import type { RiskEvent, StopKind } from '../risk/risk-events.ts';
import { clientOrderIdFor } from './client-order-id.ts';
import type { OrderRouter, SubmitResult } from './order-router.ts';
import type { OrderSettlement } from './order-settlement.ts';
import type { OrderTracker } from './order-tracker.ts';

/** Risk's own exits, and a strategy's exit when stops are held at the broker (see TradingEngine). */
export type ExitPurpose = StopKind | 'kill_switch' | 'exit';

/** What the executor reads from the rest of the engine. */
export interface RiskActionsPorts {
  readonly router: Pick<OrderRouter, 'submit' | 'cancel' | 'refreshOrder'>;
  readonly tracker: Pick<OrderTracker, 'openOrders' | 'get' | 'knows'>;
  /** The one position book (the portfolio). */
  position(symbol: string): Fixed;
  /** The session an exit belongs to (risk's session date), part of the exit's id. */
  sessionDate(): string;
  /** A price to measure the exit's slippage against: the last mid, else the average entry. */
  referencePrice(symbol: string): Fixed;
}

export interface RiskActionsTimings {
  /** How long an exit may work unfilled before it is cancelled and sent again. */
  readonly exitWorkingMs: number;
  /** Back-off after a refusal (halted symbol, stale price), doubling up to the maximum. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export const DEFAULT_RISK_ACTION_TIMINGS: RiskActionsTimings = {
  exitWorkingMs: 5_000,
  retryBaseMs: 250,
  retryMaxMs: 10_000,
};

export interface RiskActionsOptions extends RiskActionsPorts {
  /** Shared with everything else that waits on the broker; stopping it ends every wait. */
  readonly settlement: OrderSettlement;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly timings?: Partial<RiskActionsTimings>;
}

interface CloseTask {
  readonly symbol: string;
  purpose: ExitPurpose;
  /** The signed position to reach: zero to close, or what a strategy's partial exit leaves. */
  target: Fixed;
  /** The exit of the current episode while it may still work. */
  exitClientOrderId: string | null;
  /** The episode whose id is checked next; episodes before it are known to be used. */
  episode: number;
  /** Episodes already looked up at the broker (once each is enough). */
  readonly checkedAtBroker: Set<number>;
  failures: number;
  readonly done: Promise<void>;
}

const WASH_TRADE = /wash trade/i;

export class RiskActionExecutor {
  readonly #ports: RiskActionsPorts;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #timings: RiskActionsTimings;
  readonly #tasks = new Map<string, CloseTask>();
  readonly #settlement: OrderSettlement;
  readonly #actions: Counter<'action' | 'outcome'>;
  readonly #closingGauge: Gauge;
  #stopped = false;

  constructor(options: RiskActionsOptions) {
    this.#ports = options;
    this.#clock = options.clock;
    this.#log = options.logger;
    this.#timings = { ...DEFAULT_RISK_ACTION_TIMINGS, ...options.timings };
    this.#actions = new Counter({
      name: 'risk_actions_total',
      help: 'What the risk-action executor did to close positions: cancels, exits and their outcomes',
      labelNames: ['action', 'outcome'],
      registers: [options.registry],
    });
    this.#settlement = options.settlement;
    this.#closingGauge = new Gauge({
      name: 'risk_actions_closing_symbols',
      help: 'Symbols whose position the risk-action executor is closing right now',
      registers: [options.registry],
    });
  }

  /** Risk's event bus feeds this; every other event is someone else's business. */
  onRiskEvent(event: RiskEvent): void {
    if (event.type === 'stop_triggered') {
      void this.close(event.symbol, event.kind);
      return;
    }
    if (event.type !== 'kill_switch') return;
    const symbols = new Set(event.flatten.map((position) => position.symbol));
    for (const clientOrderId of event.cancelClientOrderIds) {
      const symbol = this.#ports.tracker.get(clientOrderId)?.symbol;
      if (symbol !== undefined) symbols.add(symbol);
    }
    for (const order of this.#ports.tracker.openOrders()) symbols.add(order.symbol);
    for (const symbol of symbols) void this.close(symbol, 'kill_switch');
  }

  /** True while a position in the symbol is being closed: new entries in it must wait. */
  isClosing(symbol: string): boolean {
    return this.#tasks.has(symbol);
  }

  closingSymbols(): string[] {
    return [...this.#tasks.keys()];
  }

  /**
   * Starts reducing a symbol's position to `target` (flat by default), or joins the task already
   * doing so; settles when it is there. A stop or the kill switch always takes the task to flat.
   */
  close(symbol: string, purpose: ExitPurpose, target: Fixed = ZERO): Promise<void> {
    const running = this.#tasks.get(symbol);
    if (running !== undefined) {
      if (purpose !== 'exit') {
        running.target = ZERO;
        // The kill switch outranks a stop: later exits of the same episode say who asked.
        if (running.purpose === 'exit' || purpose === 'kill_switch') running.purpose = purpose;
      }
      return running.done;
    }
    if (this.#stopped) return Promise.resolve();
    let finish: () => void = () => undefined;
    const task: CloseTask = {
      symbol,
      purpose,
      target,
      exitClientOrderId: null,
      episode: 1,
      checkedAtBroker: new Set(),
      failures: 0,
      done: new Promise<void>((resolve) => {
        finish = resolve;
      }),
    };
    this.#tasks.set(symbol, task);
    this.#closingGauge.set(this.#tasks.size);
    this.#log.warn({ symbol, purpose }, 'closing position');
    this.#run(task)
      .catch((error: unknown) => this.#log.error({ err: error, symbol }, 'closing position failed'))
      .finally(() => {
        this.#tasks.delete(symbol);
        this.#closingGauge.set(this.#tasks.size);
        finish();
      });
    return task.done;
  }

  /** Ends every task at its next step (at once, with the settlement stopped); orders sent stay. */
  stop(): void {
    this.#stopped = true;
  }

  /** Settles when every running task has ended. */
  async settled(): Promise<void> {
    await Promise.all([...this.#tasks.values()].map((task) => task.done));
  }

  async #run(task: CloseTask): Promise<void> {
    const { symbol } = task;
    while (!this.#stopped) {
      await this.#findEpisode(task);
      if (this.#stopped) return;
      const others = this.#ports.tracker
        .openOrders()
        .filter((order) => order.symbol === symbol && order.clientOrderId !== task.exitClientOrderId);
      if (others.length > 0) {
        await Promise.all(
          others.map((order) => this.#settlement.cancelAndConfirm(order.clientOrderId, this.#countCancel)),
        );
        continue;
      }
      if (task.exitClientOrderId !== null) {
        const exit = task.exitClientOrderId;
        const settled = await this.#settlement.waitSettled(exit, this.#timings.exitWorkingMs);
        if (!settled) {
          // Still working (a marketable limit the price ran away from, or a submission whose
          // outcome is unknown): cancelled and confirmed final, so the next episode sends afresh.
          this.#log.warn({ symbol, clientOrderId: exit }, 'exit still working');
          await this.#settlement.cancelAndConfirm(exit, this.#countCancel);
        }
        task.exitClientOrderId = null;
        continue;
      }
      const qty = this.#ports.position(symbol);
      if (qty === 0n || (qty > 0n ? qty <= task.target : qty >= task.target)) {
        this.#log.warn({ symbol, purpose: task.purpose, qty: formatFixed(qty) }, 'position closed');
        return;
      }
      await this.#sendExit(task, (qty - task.target) as Fixed);
    }
  }

  /**
   * Moves the task to the episode whose exit is either working now (adopted as the task's exit)
   * or not yet used anywhere. An id the tracker has never seen is asked of the broker once, so an
   * exit sent just before a restart is found rather than duplicated.
   */
  async #findEpisode(task: CloseTask): Promise<void> {
    if (task.exitClientOrderId !== null) return;
    for (;;) {
      const clientOrderId = this.#exitClientOrderId(task);
      if (!this.#ports.tracker.knows(clientOrderId) && !task.checkedAtBroker.has(task.episode)) {
        const found = await this.#ports.router.refreshOrder(clientOrderId);
        if (found === 'failed') {
          await this.#backoff(task);
          if (this.#stopped) return;
          continue;
        }
        task.checkedAtBroker.add(task.episode);
      }
      if (!this.#ports.tracker.knows(clientOrderId)) return;
      const state = this.#ports.tracker.get(clientOrderId);
      if (state !== undefined && !state.isSettled) {
        task.exitClientOrderId = clientOrderId;
        return;
      }
      task.episode += 1;
    }
  }

  #exitIntentId(task: CloseTask): string {
    return `${RISK_STRATEGY_ID}:exit:${task.symbol}:${this.#ports.sessionDate()}:${task.episode}`;
  }

  #exitClientOrderId(task: CloseTask): string {
    return clientOrderIdFor(RISK_STRATEGY_ID, this.#exitIntentId(task));
  }

  /** `position`: the signed quantity to close. */
  async #sendExit(task: CloseTask, position: Fixed): Promise<void> {
    const { symbol } = task;
    const intent = closingIntent({
      symbol,
      positionQty: position,
      purpose: task.purpose,
      referencePrice: this.#ports.referencePrice(symbol),
      intentId: this.#exitIntentId(task),
      nowMs: this.#clock.nowMs(),
    });
    const result = await this.#ports.router.submit(intent);
    if (result.ok) {
      this.#actions.inc({ action: 'exit', outcome: 'sent' });
      task.exitClientOrderId = result.clientOrderId;
      task.failures = 0;
      return;
    }
    this.#actions.inc({ action: 'exit', outcome: result.code });
    this.#log.warn(
      { symbol, purpose: task.purpose, code: result.code, message: result.message },
      'exit refused',
    );
    if (result.reason === 'duplicate_intent' || result.reason === 'outcome_unknown') {
      // The episode's order may exist: the next round adopts it or moves on from it.
      return;
    }
    if (isWashTradeRefusal(result)) {
      // An opposing order still works somewhere (its cancel not yet through): the next round
      // cancels what is open and waits for it before sending again under a new episode.
      task.episode += 1;
    }
    await this.#backoff(task);
  }

  readonly #countCancel = (outcome: string): void => {
    this.#actions.inc({ action: 'cancel', outcome });
  };

  async #backoff(task: CloseTask): Promise<void> {
    task.failures += 1;
    const delayMs = Math.min(this.#timings.retryMaxMs, this.#timings.retryBaseMs * 2 ** (task.failures - 1));
    await this.#settlement.pause(delayMs);
  }
}

function isWashTradeRefusal(result: Exclude<SubmitResult, { ok: true }>): boolean {
  return result.reason === 'broker_rejected' && WASH_TRADE.test(result.message);
}
