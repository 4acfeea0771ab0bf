/**
 * A put waiting in the write-behind queue. `key` identifies the item (table + primary key) so a
 * newer write of the same item replaces an older one that has not been sent yet. The item itself
 * is built only when its batch is sent: encoding an order costs ~0.4 µs (decimal strings), which
 * stays off the engine's order path; the domain values are immutable, so encoding later is safe.
 */
import type { Fill } from '../domain/fill.ts';
import type { OpsReport } from '../ops/ops-report.ts';
import type { ItemKind, StoredItem } from './item-codec.ts';
import { AUDIT_ITEM, type AuditEntry } from './items/audit-item.ts';
import {
  BREAKER_STATE_ITEM,
  BREAKER_TRANSITION_ITEM,
  type BreakerStateRecord,
  type BreakerTransitionRecord,
} from './items/breaker-items.ts';
import { FILL_ITEM } from './items/fill-item.ts';
import { OPS_REPORT_ITEM } from './items/ops-report-item.ts';
import { ORDER_ITEM, type StoredOrder } from './items/order-item.ts';
import { POSITION_ITEM, type PositionSnapshot } from './items/position-item.ts';
import { RISK_EVENT_ITEM, type RiskEventRecord } from './items/risk-event-item.ts';
import { STATE_KEYS } from './table-definitions.ts';

export interface PendingWrite {
  readonly table: string;
  readonly key: string;
  encode(): StoredItem;
}

/** The queue's identity for an item of the state table: its table and primary key. */
export function pendingWriteKey(table: string, key: Readonly<Record<string, unknown>>): string {
  return `${table}\u0000${String(key[STATE_KEYS.partition])}\u0000${String(key[STATE_KEYS.sort])}`;
}

/** Encodes domain values into PendingWrites for one account's state table. */
export class StateWriteEncoder {
  readonly #account: string;
  readonly #table: string;

  constructor(account: string, stateTable: string) {
    this.#account = account;
    this.#table = stateTable;
  }

  #write<T>(kind: ItemKind<T>, value: T): PendingWrite {
    const account = this.#account;
    return {
      table: this.#table,
      key: pendingWriteKey(this.#table, kind.primaryKey(account, value)),
      encode: () => kind.encode(account, value),
    };
  }

  order(order: StoredOrder): PendingWrite {
    return this.#write(ORDER_ITEM, order);
  }

  fill(fill: Fill): PendingWrite {
    return this.#write(FILL_ITEM, fill);
  }

  position(position: PositionSnapshot): PendingWrite {
    return this.#write(POSITION_ITEM, position);
  }

  breakerState(state: BreakerStateRecord): PendingWrite {
    return this.#write(BREAKER_STATE_ITEM, state);
  }

  breakerTransition(transition: BreakerTransitionRecord): PendingWrite {
    return this.#write(BREAKER_TRANSITION_ITEM, transition);
  }

  riskEvent(event: RiskEventRecord): PendingWrite {
    return this.#write(RISK_EVENT_ITEM, event);
  }

  auditEntry(entry: AuditEntry): PendingWrite {
    return this.#write(AUDIT_ITEM, entry);
  }

  opsReport(report: OpsReport): PendingWrite {
    return this.#write(OPS_REPORT_ITEM, report);
  }
}
