/**
 * A binary scikit-learn LogisticRegression as scripts/train-models.py exports it: the fitted
 * attributes under their scikit-learn names, and optionally the StandardScaler fitted before it
 * (a `Pipeline([StandardScaler(), LogisticRegression()])`), so inputs are raw feature values.
 */
import { z } from 'zod';

const finite = z.number();

export const logisticRegressionSchema = z.object({
  format: z.literal('sklearn-logistic-regression', {
    error: (issue) => `expected "sklearn-logistic-regression", got ${JSON.stringify(issue.input)}`,
  }),
  /** scikit-learn's version when exported; informational. */
  sklearn_version: z.string().optional(),
  classes_: z.array(z.union([z.number(), z.string(), z.boolean()])),
  coef_: z.array(z.array(finite)),
  intercept_: z.array(finite),
  n_features_in_: z.number().int().positive(),
  feature_names_in_: z.array(z.string()).optional(),
  scaler: z
    .object({
      mean_: z.array(finite),
      scale_: z.array(finite.refine((scale) => scale !== 0, 'a scale of 0 would divide by zero')),
    })
    .optional(),
});

export type LogisticRegressionJson = z.output<typeof logisticRegressionSchema>;
