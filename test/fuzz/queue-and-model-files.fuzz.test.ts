/**
 * SQS bodies and model files fuzzed: a queue body parses or is refused with a reason naming the
 * field; a model file (manifest, XGBoost JSON, logistic regression) loads or throws a ModelError
 * naming the file and the JSON path, never another exception.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLogisticRegression } from '../../shared/models/logistic-regression/logistic-regression-model.ts';
import { ModelError } from '../../shared/models/model-error.ts';
import { parseSignalModel } from '../../shared/models/signal-model.ts';
import { parseXGBoostModel } from '../../shared/models/xgboost/xgboost-model.ts';
import { barWindowMessage, parseBarWindowMessage } from '../../shared/signals/bar-window-message.ts';
import { parseSignalMessage } from '../../shared/signals/signal-message.ts';
import { minuteBar } from '../support/signals/signal-queues.ts';
import { expectOnlyDocumentedError, expectReason } from './fuzz-expectations.ts';
import { assertFuzz, FUZZ_TEST_TIMEOUT_MS } from './fuzz-settings.ts';
import { hostileJson, hostileText, mutatedObject } from './hostile-values.ts';

const MODELS = join(import.meta.dirname, '../fixtures/models');
const readJson = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(MODELS, path), 'utf8'));

const WINDOW = barWindowMessage(
  'AAPL',
  [minuteBar('AAPL', 1), minuteBar('AAPL', 2)],
  1_800_000_000_000,
) as unknown as Record<string, unknown>;
const SIGNAL = {
  version: 1,
  signalId: 'momentum:AAPL:1800000000000000',
  strategyId: 'momentum',
  symbol: 'AAPL',
  barStartUs: 1_800_000_000_000_000,
  generatedAtMs: 1_800_000_060_000,
  direction: 'long',
  strength: 0.5,
  confidence: 0.7,
  referencePrice: 187.65,
  modelVersion: 'fixture-1',
};

/** A body as SQS delivers it: text, maybe JSON of a valid message with one field broken. */
function queueBody(sample: Record<string, unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    mutatedObject(sample).map((value) => JSON.stringify(value)),
    mutatedObject((sample.bars as Record<string, unknown>[] | undefined)?.[0] ?? sample).map((bar) =>
      JSON.stringify(sample.bars === undefined ? bar : { ...sample, bars: [bar] }),
    ),
    hostileText,
  );
}

/**
 * A model's JSON with one value somewhere inside replaced: the walk picks an object or array on
 * the way down at each step, so trees, arrays of split conditions and parameters all get hit.
 */
function mutatedDeep(sample: unknown): fc.Arbitrary<unknown> {
  return fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), hostileJson).map(([steps, value]) => {
    const copy = structuredClone(sample) as Record<string, unknown>;
    let node: Record<string, unknown> = copy;
    for (const [index, step] of steps.entries()) {
      const keys = Object.keys(node);
      if (keys.length === 0) break;
      const key = keys[step % keys.length]!;
      const child = node[key];
      if (index === steps.length - 1 || typeof child !== 'object' || child === null) {
        node[key] = value;
        break;
      }
      node = child as Record<string, unknown>;
    }
    return copy;
  });
}

describe('SQS bodies under fuzzed input', () => {
  it.each([
    ['bar window', parseBarWindowMessage, WINDOW],
    ['signal', parseSignalMessage, SIGNAL],
  ] as const)(
    '%s messages: any body parses or is refused with a reason',
    (_name, parse, sample) => {
      assertFuzz(
        fc.property(queueBody(sample), (body) => {
          const parsed = parse(body);
          if (!parsed.ok) expectReason(parsed.reason);
        }),
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});

describe('Model files under fuzzed input', () => {
  it.each([
    ['xgboost-regression', parseXGBoostModel],
    ['xgboost-softprob', parseXGBoostModel],
    ['logistic-regression', parseLogisticRegression],
  ] as const)(
    '%s model.json: any change loads or throws a ModelError naming the file',
    (name, parse) => {
      const sample = readJson(`${name}/model.json`);
      assertFuzz(
        fc.property(fc.oneof(mutatedDeep(sample), hostileJson), (json) => {
          const result = expectOnlyDocumentedError(ModelError, () => parse(json, 'fuzzed-model.json'));
          if (!result.ok) expect(result.error.message).toContain('fuzzed-model.json');
        }),
        0.25,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'manifests: any manifest with its model loads or throws a ModelError',
    () => {
      const manifest = readJson('logistic-regression/manifest.json');
      const model = readJson('logistic-regression/model.json');
      assertFuzz(
        fc.property(fc.oneof(mutatedDeep(manifest), hostileJson), (json) => {
          const result = expectOnlyDocumentedError(ModelError, () =>
            parseSignalModel(json, model, 'fuzzed-manifest.json'),
          );
          if (!result.ok) expect(result.error.message).toContain('fuzzed');
        }),
        0.5,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
