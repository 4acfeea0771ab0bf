/**
 * What every supported model file becomes once parsed: a function from one row of features to
 * the outputs its training library's `predict` gives for that row.
 */

export const OBJECTIVES = ['binary:logistic', 'reg:squarederror', 'multi:softprob'] as const;
export type Objective = (typeof OBJECTIVES)[number];

export interface TrainedModel {
  readonly objective: Objective;
  readonly featureCount: number;
  /** The feature names the model file records, or undefined when it records none. */
  readonly featureNames: readonly string[] | undefined;
  /** 1, or the number of classes for multi:softprob. */
  readonly outputCount: number;
  /**
   * Writes the row's outputs into `out` (length `outputCount`): P(positive class) for
   * binary:logistic, the value for reg:squarederror, one probability per class for
   * multi:softprob. NaN features are missing values. Allocates nothing.
   */
  predictInto(features: Float64Array, out: Float64Array): void;
}
