/**
 * The parts of XGBoost's JSON model format (`Booster.save_model("model.json")`, XGBoost 1.x/2.x;
 * see the "JSON schema" page of XGBoost's documentation) that prediction reads. XGBoost writes
 * many more keys (training parameters, statistics per node); they are allowed and ignored.
 * Counts and the base score are JSON strings in this format ("5E-1", "100").
 */
import { z } from 'zod';
import { OBJECTIVES } from '../trained-model.ts';

const countString = z
  .string()
  .regex(/^\d+$/, 'must be a whole number written as a string, e.g. "100"')
  .transform(Number);

const numberString = z
  .string()
  .refine(
    (text) => text.trim() !== '' && Number.isFinite(Number(text)),
    'must be a finite number written as a string, e.g. "5E-1"',
  )
  .transform(Number);

const treeSchema = z.object({
  tree_param: z.object({ num_nodes: countString, size_leaf_vector: countString.optional() }),
  left_children: z.array(z.number().int()),
  right_children: z.array(z.number().int()),
  split_indices: z.array(z.number().int().nonnegative()),
  split_conditions: z.array(z.number()),
  default_left: z.array(z.union([z.literal(0), z.literal(1), z.boolean()])),
  /** 0 numerical, 1 categorical; absent before XGBoost 1.6. */
  split_type: z.array(z.number().int()).optional(),
});

export type XGBoostTreeJson = z.output<typeof treeSchema>;

export const xgboostModelSchema = z.object({
  learner: z.object({
    feature_names: z.array(z.string()).optional(),
    learner_model_param: z.object({
      base_score: numberString,
      num_class: countString,
      num_feature: countString,
      num_target: countString.optional(),
    }),
    objective: z.object({
      name: z.enum(OBJECTIVES, {
        error: (issue) =>
          `unsupported objective ${JSON.stringify(issue.input)} (supported: ${OBJECTIVES.join(', ')})`,
      }),
    }),
    gradient_booster: z.object({
      name: z.literal('gbtree', {
        error: (issue) => `unsupported booster ${JSON.stringify(issue.input)} (supported: gbtree)`,
      }),
      model: z.object({
        gbtree_model_param: z.object({ num_trees: countString }),
        tree_info: z.array(z.number().int().nonnegative()),
        trees: z.array(treeSchema),
      }),
    }),
  }),
});

export type XGBoostModelJson = z.output<typeof xgboostModelSchema>;
