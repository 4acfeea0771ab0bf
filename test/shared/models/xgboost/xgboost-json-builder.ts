/**
 * Small XGBoost JSON models written by hand, in the shape `Booster.save_model` writes, so a test
 * can compute their predictions on paper and break one field at a time.
 */

export interface TreeSpec {
  /** Per node: [left, right, split feature, threshold or leaf value, default left]. Leaves: left = right = -1. */
  readonly nodes: readonly (readonly [number, number, number, number, 0 | 1])[];
}

/** Depth-2 stump on feature 0 (< 0.5 → −0.25, ≥ 0.5 → 0.75; missing goes right). */
export const STUMP: TreeSpec = {
  nodes: [
    [1, 2, 0, 0.5, 0],
    [-1, -1, 0, -0.25, 0],
    [-1, -1, 0, 0.75, 0],
  ],
};

/** On feature 1 (< −1 → 0.5, else a split on feature 0 at 0.1: 0.125 / −0.5; missing goes left both times). */
export const TWO_LEVEL: TreeSpec = {
  nodes: [
    [1, 2, 1, -1, 1],
    [-1, -1, 0, 0.5, 0],
    [3, 4, 0, 0.1, 1],
    [-1, -1, 0, 0.125, 0],
    [-1, -1, 0, -0.5, 0],
  ],
};

export interface TreeJson {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left?: number[];
  split_type: number[];
  [other: string]: unknown;
}

export interface XGBoostJson {
  learner: {
    feature_names: string[];
    objective: { name: string };
    gradient_booster: {
      name: string;
      model: { gbtree_model_param: Record<string, string>; tree_info: number[]; trees: TreeJson[] };
    };
    learner_model_param: Record<string, string>;
    [other: string]: unknown;
  };
}

export function treeJson(spec: TreeSpec, id: number): TreeJson {
  const column = (index: number): number[] => spec.nodes.map((node) => node[index]!);
  return {
    base_weights: spec.nodes.map(() => 0),
    categories: [],
    categories_nodes: [],
    categories_segments: [],
    categories_sizes: [],
    default_left: column(4),
    id,
    left_children: column(0),
    loss_changes: spec.nodes.map(() => 0),
    parents: spec.nodes.map(() => 2147483647),
    right_children: column(1),
    split_conditions: column(3),
    split_indices: column(2),
    split_type: spec.nodes.map(() => 0),
    sum_hessian: spec.nodes.map(() => 1),
    tree_param: {
      num_deleted: '0',
      num_feature: '2',
      num_nodes: String(spec.nodes.length),
      size_leaf_vector: '0',
    },
  };
}

export interface ModelSpec {
  readonly objective: string;
  readonly trees: readonly TreeSpec[];
  readonly treeInfo?: readonly number[];
  readonly numClass?: number;
  readonly baseScore?: string;
  readonly featureNames?: readonly string[];
}

/** A model JSON as `save_model` writes it; callers mutate the result to break it. */
export function xgboostJson(spec: ModelSpec): XGBoostJson {
  return {
    learner: {
      attributes: {},
      feature_names: [...(spec.featureNames ?? [])],
      feature_types: [],
      gradient_booster: {
        model: {
          gbtree_model_param: {
            num_parallel_tree: '1',
            num_trees: String(spec.trees.length),
            size_leaf_vector: '0',
          },
          tree_info: [...(spec.treeInfo ?? spec.trees.map(() => 0))],
          trees: spec.trees.map(treeJson),
        },
        name: 'gbtree',
      },
      learner_model_param: {
        base_score: spec.baseScore ?? '5E-1',
        boost_from_average: '1',
        num_class: String(spec.numClass ?? 0),
        num_feature: '2',
        num_target: '1',
      },
      objective: { name: spec.objective },
    },
  };
}
