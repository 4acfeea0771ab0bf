/**
 * The manifest that wraps a model file: which model, which features in which order, and how its
 * score becomes a trading signal. docs/models.md describes each field.
 */
import { z } from 'zod';
import { OBJECTIVES } from './trained-model.ts';

export const MANIFEST_VERSION = 1;

export const DIRECTIONS = ['long', 'short', 'flat'] as const;
export type Direction = (typeof DIRECTIONS)[number];

const signalMappingSchema = z
  .object({
    longAbove: z.number(),
    shortBelow: z.number(),
    fullLongAt: z.number(),
    fullShortAt: z.number(),
    /** multi:softprob only: the direction each class (by index) stands for. */
    classDirections: z.array(z.enum(DIRECTIONS)).optional(),
  })
  .strict()
  .superRefine((signal, context) => {
    const order: [keyof typeof signal, number][] = [
      ['fullShortAt', signal.fullShortAt],
      ['shortBelow', signal.shortBelow],
      ['longAbove', signal.longAbove],
      ['fullLongAt', signal.fullLongAt],
    ];
    for (let i = 1; i < order.length; i++) {
      const [lowKey, low] = order[i - 1]!;
      const [highKey, high] = order[i]!;
      const ok = highKey === 'longAbove' ? low <= high : low < high;
      if (!ok)
        context.addIssue({
          code: 'custom',
          path: [highKey],
          message: `must be ${highKey === 'longAbove' ? '≥' : '>'} ${lowKey} (${low}), got ${high}`,
        });
    }
  });

export type SignalMapping = z.output<typeof signalMappingSchema>;

export const modelManifestSchema = z
  .object({
    manifestVersion: z.literal(MANIFEST_VERSION, {
      error: (issue) =>
        `unsupported manifest version ${JSON.stringify(issue.input)} (supported: ${MANIFEST_VERSION})`,
    }),
    modelVersion: z.string().min(1),
    kind: z.enum(['xgboost', 'logistic-regression']),
    /** The model file, relative to the manifest (or absolute). */
    file: z.string().min(1),
    objective: z.enum(OBJECTIVES, {
      error: (issue) =>
        `unsupported objective ${JSON.stringify(issue.input)} (supported: ${OBJECTIVES.join(', ')})`,
    }),
    features: z
      .array(z.string().min(1))
      .min(1)
      .refine((names) => new Set(names).size === names.length, 'feature names must be unique'),
    signal: signalMappingSchema,
    /** What the model was trained to predict, for the people who read the manifest. */
    description: z.string().optional(),
  })
  .strict();

export type ModelManifest = z.output<typeof modelManifestSchema>;
