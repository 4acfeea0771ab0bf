import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../shared/events/event-bus.ts';

type Event = { type: 'a'; value: number } | { type: 'b'; text: string };

describe('Class: EventBus', () => {
  it('delivers every event to subscribers in order, and one type to typed handlers', () => {
    const bus = new EventBus<Event>();
    const all: Event[] = [];
    const onlyB: string[] = [];
    bus.subscribe((event) => all.push(event));
    bus.on('b', (event) => onlyB.push(event.text));
    bus.publish({ type: 'a', value: 1 });
    bus.publish({ type: 'b', text: 'x' });
    expect(all).toStrictEqual([
      { type: 'a', value: 1 },
      { type: 'b', text: 'x' },
    ]);
    expect(onlyB).toStrictEqual(['x']);
  });

  it('stops delivering after unsubscribe, even when a handler unsubscribes during delivery', () => {
    const bus = new EventBus<Event>();
    const seen: string[] = [];
    const stopFirst = bus.subscribe(() => {
      seen.push('first');
      stopFirst();
    });
    bus.subscribe(() => seen.push('second'));
    bus.publish({ type: 'a', value: 1 });
    bus.publish({ type: 'a', value: 2 });
    expect(seen).toStrictEqual(['first', 'second', 'second']);
  });
});
