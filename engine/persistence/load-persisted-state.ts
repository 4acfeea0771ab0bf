/**
 * The first step of restart recovery: everything the engine persisted that it needs before it
 * reconciles with the broker. Any unreadable item makes the whole load fail with a message naming
 * the items, because trading on partly-read state is exactly what recovery exists to prevent.
 */
import type { Fill } from '../../shared/domain/fill.ts';
import type { ItemProblem } from '../../shared/store/item-codec.ts';
import type { BreakerStateRecord } from '../../shared/store/items/breaker-items.ts';
import type { StoredOrder } from '../../shared/store/items/order-item.ts';
import type { PositionSnapshot } from '../../shared/store/items/position-item.ts';
import type { ItemRead, Store } from '../../shared/store/store.ts';

export interface PersistedState {
  /** Orders the engine last knew as able to fill. */
  readonly workingOrders: StoredOrder[];
  /** The last position stored per symbol (flat ones as qty 0), compared with the broker's at restart. */
  readonly positions: PositionSnapshot[];
  /** Fills of the given New York day. */
  readonly fills: Fill[];
  readonly breaker: BreakerStateRecord | null;
}

export type PersistedStateLoad =
  | { readonly ok: true; readonly state: PersistedState }
  | { readonly ok: false; readonly problems: ItemProblem[]; readonly message: string };

/** Problems listed in the message; the rest are counted. */
const LISTED_PROBLEMS = 5;

export async function loadPersistedState(store: Store, newYorkDay: string): Promise<PersistedStateLoad> {
  const [workingOrders, positions, fills, breaker] = await Promise.all([
    store.listWorkingOrders(),
    store.listPositions(),
    store.listFills(newYorkDay),
    store.getBreakerState(),
  ]);
  const problems = [
    ...workingOrders.problems,
    ...positions.problems,
    ...fills.problems,
    ...readProblem(breaker),
  ];
  if (problems.length > 0) {
    const listed = problems.slice(0, LISTED_PROBLEMS).map((problem) => problem.message);
    const more = problems.length > LISTED_PROBLEMS ? `; and ${problems.length - LISTED_PROBLEMS} more` : '';
    return {
      ok: false,
      problems,
      message: `persisted state of account ${store.account} has ${problems.length} unreadable item(s): ${listed.join('; ')}${more}`,
    };
  }
  return {
    ok: true,
    state: {
      workingOrders: workingOrders.items,
      positions: positions.items,
      fills: fills.items,
      breaker: breaker.status === 'found' ? breaker.value : null,
    },
  };
}

function readProblem<T>(read: ItemRead<T>): ItemProblem[] {
  return read.status === 'invalid' ? [read.problem] : [];
}
