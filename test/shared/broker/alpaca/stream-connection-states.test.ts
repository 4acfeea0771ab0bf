import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hasSocket,
  nextStreamState,
  STREAM_EVENTS,
  STREAM_STATES,
  type StreamEvent,
  type StreamState,
} from '../../../../shared/broker/alpaca/stream-connection-states.ts';

/**
 * The machine written out again as a list, one transition a line: every pair not listed must be
 * refused. A change to the machine has to change this specification too.
 */
const WITH_SOCKET = ['connecting', 'authenticating', 'subscribing', 'ready', 'stale'] as const;
type Transition = readonly [StreamState, StreamEvent, StreamState];
const ALLOWED: readonly Transition[] = [
  ['idle', 'start', 'connecting'],
  ['idle', 'stop', 'stopped'],
  ['connecting', 'connected', 'authenticating'],
  ['authenticating', 'authenticated', 'subscribing'],
  ['subscribing', 'subscribed', 'ready'],
  ['ready', 'subscribed', 'ready'],
  ['ready', 'data_silent', 'stale'],
  ['stale', 'subscribed', 'stale'],
  ['stale', 'data_resumed', 'ready'],
  ...WITH_SOCKET.flatMap((state): Transition[] => [
    [state, 'connection_lost', 'reconnecting'],
    [state, 'fatal_error', 'fatal'],
    [state, 'stop', 'stopped'],
  ]),
  ['reconnecting', 'retry_due', 'connecting'],
  ['reconnecting', 'stop', 'stopped'],
  ['fatal', 'stop', 'fatal'],
];
const allowed = (state: StreamState, event: StreamEvent): boolean =>
  ALLOWED.some(([from, on]) => from === state && on === event);
const REFUSED = STREAM_STATES.flatMap((state) =>
  STREAM_EVENTS.filter((event) => !allowed(state, event)).map((event) => [state, event] as const),
);

function run(events: readonly StreamEvent[]): StreamState[] {
  const states: StreamState[] = [];
  let state: StreamState = 'idle';
  for (const event of events) {
    state = nextStreamState(state, event) ?? state;
    states.push(state);
  }
  return states;
}

describe('Function: nextStreamState', () => {
  it.each(ALLOWED)('goes from %s on %s to %s', (state, event, next) => {
    expect(nextStreamState(state, event)).toBe(next);
  });

  it.each(REFUSED)('refuses %s on %s (a late callback changes nothing)', (state, event) => {
    expect(nextStreamState(state, event)).toBeUndefined();
  });

  it('walks the handshake, a silence, a loss, a retry and a second handshake', () => {
    expect(
      run([
        'start',
        'connected',
        'authenticated',
        'subscribed',
        'data_silent',
        'data_resumed',
        'data_silent',
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
      'ready',
      'stale',
      'ready',
      'stale',
      'reconnecting',
      'connecting',
      'authenticating',
      'subscribing',
      'ready',
    ]);
  });

  it('never leaves stopped or fatal, reaches ready only through the handshake or data, whatever the events', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...STREAM_EVENTS), { maxLength: 40 }), (events) => {
        const states = run(events);
        const end = states.findIndex((state) => state === 'stopped' || state === 'fatal');
        if (end >= 0) expect(new Set(states.slice(end))).toStrictEqual(new Set([states[end]]));
        states.forEach((state, i) => {
          const before = i === 0 ? 'idle' : states[i - 1]!;
          if (state === 'ready') expect(['subscribing', 'ready', 'stale']).toContain(before);
          if (state === 'connecting') expect(['idle', 'reconnecting', 'connecting']).toContain(before);
        });
      }),
    );
  });
});

describe('Function: hasSocket', () => {
  it.each(STREAM_STATES)('%s', (state) => {
    expect(hasSocket(state)).toBe((WITH_SOCKET as readonly StreamState[]).includes(state));
  });
});
