import { describe, expect, it } from 'vitest';
import { isTerminalStatus, ORDER_STATUSES } from '../../../shared/domain/order.ts';
import { isTerminal } from '../../../sim/trading/sim-order.ts';

describe('isTerminal', () => {
  it('agrees with the domain’s terminal statuses for every order status', () => {
    for (const status of ORDER_STATUSES)
      expect([status, isTerminal(status)]).toEqual([status, isTerminalStatus(status)]);
  });
});
