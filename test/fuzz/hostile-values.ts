/**
 * Arbitraries for the inputs a parser of outside data meets on a bad day: numbers at and past
 * the float64 edges, prototype-pollution keys, deep nesting, long strings, and valid samples with
 * one field replaced. Shared by every suite under test/fuzz so each hunts with the same bag.
 */
import fc from 'fast-check';

/** Numbers a JSON body can carry that trip decimal and integer conversions. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    1e308,
    -1e308,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    1e21,
    1e-10,
    -0,
    0,
    -1,
    0.1,
    123.456789012,
  ),
  fc.double(),
  fc.integer(),
);

/** Strings that look like numbers to one parser and not to another. */
export const hostileNumericText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'NaN',
    'Infinity',
    '-Infinity',
    '1e308',
    '1e-308',
    '0x10',
    '1_000',
    ' 1',
    '1.',
    '.5',
    '+1',
    '-0',
    '00012',
    '1.0000000001',
    `1${'0'.repeat(400)}`,
    `0.${'0'.repeat(300)}1`,
    '',
    ' ',
    '١٢٣',
  ),
  hostileNumber.map(String),
  fc.string({ maxLength: 12 }),
);

/** Keys that, spread or assigned carelessly, change an object's prototype. */
export const prototypeKey: fc.Arbitrary<string> = fc.constantFrom('__proto__', 'constructor', 'prototype');

/** Any JSON value, with hostile numbers, prototype keys and long strings mixed in. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    hostileNumber,
    hostileNumericText,
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constant('x'.repeat(70_000)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), prototypeKey), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** JSON text nested `depth` arrays deep around `inner`: deep enough to overflow a recursive walk. */
export function nestedArrays(depth: number, inner = '0'): string {
  return `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
}

/**
 * Deep nesting at depths from harmless to stack-breaking (a recursive walk overflows Node's
 * default stack at about 10,000 frames). 20,000 levels are 40 KB, within the 64 KB bodies the
 * HTTP servers here accept.
 */
export const deepNesting: fc.Arbitrary<string> = fc
  .constantFrom(10, 1_000, 20_000)
  .map((depth) => nestedArrays(depth));

/**
 * A valid sample with one field replaced by a hostile value, deleted, or a prototype key added:
 * structurally right, wrong in one place, which is where validation has gaps.
 */
export function mutatedObject(
  sample: Readonly<Record<string, unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(sample);
  return fc.oneof(
    fc.record({ key: fc.constantFrom(...keys), value: hostileJson }).map(({ key, value }) => ({
      ...sample,
      [key]: value,
    })),
    fc.constantFrom(...keys).map((key) => {
      const copy: Record<string, unknown> = { ...sample };
      delete copy[key];
      return copy;
    }),
    fc.record({ key: prototypeKey, value: hostileJson }).map(({ key, value }) => {
      // JSON.parse makes "__proto__" an own key; defineProperty does the same here.
      const copy: Record<string, unknown> = { ...sample };
      Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
      return copy;
    }),
  );
}

/** Text a socket or a file could deliver: arbitrary, JSON-ish, or JSON with one byte broken. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json({ maxDepth: 3 }),
  hostileJson.map((value) => JSON.stringify(value) ?? 'undefined'),
  fc
    .tuple(fc.json({ maxDepth: 3 }), fc.nat(), fc.string({ maxLength: 2 }))
    .map(
      ([text, at, insert]) =>
        text.slice(0, at % (text.length + 1)) + insert + text.slice(at % (text.length + 1)),
    ),
  deepNesting,
);

/** Bytes as they come off a socket or out of a file. */
export const hostileBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  hostileText.map((text) => new Uint8Array(Buffer.from(text, 'utf8'))),
);
