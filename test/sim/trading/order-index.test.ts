import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderIndex, textKey } from '../../../sim/trading/order-index.ts';
import type { SimOrder } from '../../../sim/trading/sim-order.ts';
import { simOrderFor as orderFor } from './sim-order-fixture.ts';

const byClientOrderId = () => new OrderIndex((order) => order.clientOrderId);

/** Texts that share a key, found by search: the index must tell them apart. */
function collidingTexts(count: number): string[][] {
  const first = new Map<number, string>();
  const groups: string[][] = [];
  for (let i = 0; groups.length < count; i++) {
    const text = `collide-${i}`;
    const key = textKey(text);
    const other = first.get(key);
    if (other === undefined) first.set(key, text);
    else groups.push([other, text]);
  }
  return groups;
}

const [[A, B] = [], [C, D] = []] = collidingTexts(2) as [[string, string], [string, string]];

/** Texts whose keys start their probe at the last slot of a 16-slot table, or at the first. */
function textsAtTableEnds(count: number): string[] {
  const texts: string[] = [];
  for (let i = 0, last = 0, first = 0; last + first < 2 * count; i++) {
    const text = `end-${i}`;
    const home = textKey(text) & 15;
    if (home === 15 && last < count) {
      texts.push(text);
      last++;
    } else if (home === 0 && first < count) {
      texts.push(text);
      first++;
    }
  }
  return texts;
}

describe('textKey', () => {
  it('is a whole number below 2^30 that depends only on the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (text) => {
        const key = textKey(text);
        expect(Number.isInteger(key) && key >= 0 && key < 2 ** 30).toBe(true);
        // The same text built apart, after another text's key was asked for.
        textKey(`${text}x`);
        expect(textKey([...text].join(''))).toBe(key);
      }),
    );
  });

  it('tells apart texts of one and two code units, and the empty text', () => {
    expect(new Set([textKey(''), textKey('a'), textKey('ab'), textKey('ba')]).size).toBe(4);
  });
});

describe('OrderIndex', () => {
  it('finds each of two orders whose texts share a key, and forgets them apart', () => {
    expect(textKey(A!)).toBe(textKey(B!));
    const index = byClientOrderId();
    const a = orderFor(A!);
    const b = orderFor(B!);
    index.add(a, a.clientOrderIdKey);
    index.add(b, b.clientOrderIdKey);
    expect([index.get(A!), index.get(B!), index.size]).toStrictEqual([a, b, 2]);

    index.delete(a, a.clientOrderIdKey);
    expect([index.get(A!), index.get(B!), index.has(B!), index.size]).toStrictEqual([undefined, b, true, 1]);
    index.delete(b, b.clientOrderIdKey);
    expect([index.get(B!), index.size]).toStrictEqual([undefined, 0]);
  });

  it('lists its orders in submission order, the collided ones among them', () => {
    const index = byClientOrderId();
    const orders = [orderFor(C!), orderFor('plain-1'), orderFor(D!), orderFor('plain-2')];
    for (const order of orders) index.add(order, order.clientOrderIdKey);
    expect(index.orders()).toStrictEqual(orders);
  });

  it('replaces an order of the same text, whether it held the key or collided', () => {
    const index = byClientOrderId();
    const a = orderFor(A!);
    const b = orderFor(B!);
    index.add(a, a.clientOrderIdKey);
    index.add(b, b.clientOrderIdKey);
    const a2 = orderFor(A!);
    const b2 = orderFor(B!);
    index.add(a2, a2.clientOrderIdKey);
    index.add(b2, b2.clientOrderIdKey);
    expect([index.get(A!), index.get(B!), index.size]).toStrictEqual([a2, b2, 2]);
    // The replaced orders are no longer indexed: forgetting them changes nothing.
    index.delete(a, a.clientOrderIdKey);
    index.delete(b, b.clientOrderIdKey);
    expect([index.get(A!), index.get(B!), index.size]).toStrictEqual([a2, b2, 2]);
  });

  it('behaves as a Map from text to order under any sequence of adds and deletes', () => {
    // Colliding pairs among the texts, and enough texts that the table grows and its probe runs
    // meet and wrap around its end, so deletions shift orders back across them.
    const texts = [
      A!,
      B!,
      C!,
      D!,
      ...textsAtTableEnds(4),
      ...Array.from({ length: 28 }, (_, i) => `text-${i}`),
    ];
    const operation = fc.record({
      kind: fc.constantFrom('add', 'delete'),
      text: fc.constantFrom(...texts),
      // Which order of that text a delete names: the one indexed, or an older one.
      older: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 200 }), (operations) => {
        const index = byClientOrderId();
        const model = new Map<string, SimOrder>();
        const made = new Map<string, SimOrder[]>();
        for (const { kind, text, older } of operations) {
          if (kind === 'add') {
            const order = orderFor(text);
            made.set(text, [...(made.get(text) ?? []), order]);
            index.add(order, order.clientOrderIdKey);
            model.set(text, order);
          } else {
            const orders = made.get(text) ?? [];
            const order = older ? orders[0] : orders.at(-1);
            if (order === undefined) continue;
            index.delete(order, order.clientOrderIdKey);
            if (model.get(text) === order) model.delete(text);
          }
          for (const text of texts) expect(index.get(text)).toBe(model.get(text));
          expect(index.size).toBe(model.size);
          expect(index.orders()).toStrictEqual([...model.values()].sort((x, y) => x.seq - y.seq));
        }
      }),
    );
  });
});
