/**
 * XGBoost's trees, checked and flattened into typed arrays so prediction walks plain memory.
 *
 * Nodes are renumbered in preorder across all trees: an internal node's left child is the next
 * node, so only the right child and the branch for a missing value need storing. Values are
 * rounded to float32 at load, as XGBoost holds them, so a float32 feature compares exactly as
 * XGBoost compares it.
 */
import { jsonPath, ModelError } from '../model-error.ts';
import type { XGBoostTreeJson } from './xgboost-json-schema.ts';

export interface TreeForest {
  /** Split feature per node; -1 for a leaf. */
  readonly feature: Int32Array;
  /** Split threshold (go left when feature < threshold), or the leaf's value. */
  readonly value: Float64Array;
  readonly right: Int32Array;
  /** Where a missing (NaN) feature goes: the left child (node + 1) or the right child. */
  readonly missing: Int32Array;
  /** Root node of each tree. */
  readonly roots: Int32Array;
}

/** Throws a ModelError naming the tree, node and problem for any malformed tree. */
export function flattenTrees(
  trees: readonly XGBoostTreeJson[],
  featureCount: number,
  source: string,
  treesPath: readonly PropertyKey[],
): TreeForest {
  let total = 0;
  for (let t = 0; t < trees.length; t++) {
    total += checkArrays(trees[t]!, (key) => fail(source, [...treesPath, t, ...key]));
  }
  const forest = {
    feature: new Int32Array(total),
    value: new Float64Array(total),
    right: new Int32Array(total),
    missing: new Int32Array(total),
    roots: new Int32Array(trees.length),
  };
  const defaultLeft = new Uint8Array(total);
  let next = 0;
  for (let t = 0; t < trees.length; t++) {
    forest.roots[t] = next;
    next = flattenTree(trees[t]!, featureCount, forest, defaultLeft, next, (key) =>
      fail(source, [...treesPath, t, ...key]),
    );
  }
  for (let node = 0; node < next; node++) {
    if (forest.feature[node]! >= 0) forest.missing[node] = defaultLeft[node] ? node + 1 : forest.right[node]!;
  }
  if (next === total) return forest;
  // Nodes no path reaches (pruned) are dropped.
  return {
    feature: forest.feature.slice(0, next),
    value: forest.value.slice(0, next),
    right: forest.right.slice(0, next),
    missing: forest.missing.slice(0, next),
    roots: forest.roots,
  };
}

type Fail = (path: readonly PropertyKey[]) => (problem: string) => never;

function fail(source: string, path: readonly PropertyKey[]): (problem: string) => never {
  return (problem) => {
    throw new ModelError(source, [{ path: jsonPath(path), problem }]);
  };
}

const NODE_ARRAYS = [
  'left_children',
  'right_children',
  'split_indices',
  'split_conditions',
  'default_left',
] as const;

function checkArrays(tree: XGBoostTreeJson, at: Fail): number {
  const nodes = tree.tree_param.num_nodes;
  if (nodes < 1) at(['tree_param', 'num_nodes'])('a tree needs at least one node');
  if ((tree.tree_param.size_leaf_vector ?? 0) !== 0)
    at(['tree_param', 'size_leaf_vector'])('vector leaves (multi-target trees) are not supported');
  for (const key of [...NODE_ARRAYS, ...(tree.split_type === undefined ? [] : (['split_type'] as const))]) {
    const length = tree[key]!.length;
    if (length !== nodes)
      at([key])(
        `has ${length} entries but tree_param.num_nodes says ${nodes}: the node arrays must be the same length`,
      );
  }
  return nodes;
}

/** Copies one tree's reachable nodes from `start`; returns the next free node. */
function flattenTree(
  tree: XGBoostTreeJson,
  featureCount: number,
  forest: TreeForest,
  defaultLeft: Uint8Array,
  start: number,
  at: Fail,
): number {
  const nodes = tree.tree_param.num_nodes;
  const seen = new Uint8Array(nodes);
  // Pairs of (source node, flattened parent whose right child it is, or -1 for a left child/root).
  const stack: number[] = [0, -1];
  let next = start;
  while (stack.length > 0) {
    const rightOf = stack.pop()!;
    const node = stack.pop()!;
    if (seen[node]) at(['left_children'])(`node ${node} is reachable twice (a cycle or a shared subtree)`);
    seen[node] = 1;
    const flat = next++;
    if (rightOf >= 0) forest.right[rightOf] = flat;
    const value = Math.fround(tree.split_conditions[node]!);
    if (!Number.isFinite(value))
      at(['split_conditions', node])(`${tree.split_conditions[node]} is not a finite float32`);
    forest.value[flat] = value;
    const left = tree.left_children[node]!;
    const right = tree.right_children[node]!;
    if (left === -1 && right === -1) {
      forest.feature[flat] = -1;
      continue;
    }
    for (const [key, child] of [
      ['left_children', left],
      ['right_children', right],
    ] as const) {
      if (child < 1 || child >= nodes)
        at([key, node])(
          `child index ${child} is out of range (the tree has ${nodes} nodes; -1 on both sides marks a leaf)`,
        );
    }
    const split = tree.split_indices[node]!;
    if (split >= featureCount)
      at(['split_indices', node])(`splits on feature ${split} but the model has ${featureCount} features`);
    if ((tree.split_type?.[node] ?? 0) !== 0)
      at(['split_type', node])('categorical splits are not supported');
    forest.feature[flat] = split;
    defaultLeft[flat] = Number(tree.default_left[node]);
    stack.push(right, flat, left, -1);
  }
  return next;
}
