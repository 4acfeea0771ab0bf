import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FeedEvent,
  type FeedState,
  hasConnection,
  nextFeedState,
} from '../../../engine/marketdata/feed-state.ts';

const EVENTS: FeedEvent[] = [
  'start',
  'connected',
  'authenticated',
  'subscribed',
  'connection_lost',
  'connection_limit',
  'fatal_error',
  'retry_due',
  'stop',
];

function run(events: readonly FeedEvent[]): FeedState[] {
  const states: FeedState[] = [];
  let state: FeedState = 'idle';
  for (const event of events) {
    state = nextFeedState(state, event) ?? state;
    states.push(state);
  }
  return states;
}

describe('Function: nextFeedState', () => {
  it('walks the happy path, a loss, a retry and a resubscription', () => {
    expect(
      run([
        'start',
        'connected',
        'authenticated',
        'subscribed',
        'connection_lost',
        'retry_due',
        'connected',
        'authenticated',
        'subscribed',
      ]),
    ).toStrictEqual([
      'connecting',
      'authenticating',
      'subscribing',
      'streaming',
      'backing_off',
      'connecting',
      'authenticating',
      'subscribing',
      'streaming',
    ]);
  });

  it.each(['connecting', 'authenticating', 'subscribing', 'streaming'] as const)(
    'from %s, a 406 and a loss both back off and a fatal error is final',
    (state) => {
      expect(nextFeedState(state, 'connection_limit')).toBe('backing_off');
      expect(nextFeedState(state, 'connection_lost')).toBe('backing_off');
      expect(nextFeedState(state, 'fatal_error')).toBe('fatal');
    },
  );

  it('ignores events that mean nothing in a state (late socket callbacks)', () => {
    expect(nextFeedState('backing_off', 'connection_lost')).toBeUndefined();
    expect(nextFeedState('idle', 'subscribed')).toBeUndefined();
    expect(nextFeedState('streaming', 'authenticated')).toBeUndefined();
  });

  it('never leaves stopped or fatal, and only connection states own a socket, whatever the events', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...EVENTS), { maxLength: 40 }), (events) => {
        const states = run(events);
        const end = states.findIndex((s) => s === 'stopped' || s === 'fatal');
        if (end >= 0) expect(new Set(states.slice(end))).toStrictEqual(new Set([states[end]]));
        for (const [i, state] of states.entries()) {
          if (state === 'streaming')
            expect(['subscribing', 'streaming']).toContain(i === 0 ? 'idle' : states[i - 1]);
          expect(hasConnection(state)).toBe(
            ['connecting', 'authenticating', 'subscribing', 'streaming'].includes(state),
          );
        }
      }),
    );
  });
});
