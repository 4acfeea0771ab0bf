/**
 * Why a model file was refused: the file, where in it (a JSON path such as
 * `learner.gradient_booster.model.trees[3].left_children[7]`) and what is wrong there.
 */
import type { z } from 'zod';

export interface ModelIssue {
  /** JSON path inside the source; empty for the whole file. */
  readonly path: string;
  readonly problem: string;
}

export class ModelError extends Error {
  override readonly name = 'ModelError';
  readonly source: string;
  readonly issues: readonly ModelIssue[];

  constructor(source: string, issues: readonly ModelIssue[]) {
    super(issues.map((issue) => formatModelIssue(source, issue)).join('\n'));
    this.source = source;
    this.issues = issues;
  }
}

export function formatModelIssue(source: string, issue: ModelIssue): string {
  return issue.path === '' ? `${source}: ${issue.problem}` : `${source}: ${issue.path}: ${issue.problem}`;
}

/** `['trees', 3, 'left_children']` → `trees[3].left_children`. */
export function jsonPath(segments: readonly PropertyKey[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path === '' ? String(segment) : `.${String(segment)}`;
  }
  return path;
}

/** Parses with a zod schema, or throws a ModelError listing every issue with its path. */
export function parseModelJson<T extends z.ZodType>(schema: T, value: unknown, source: string): z.output<T> {
  // reportInput: without it every type error looks like a missing key.
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  throw new ModelError(
    source,
    result.error.issues.map((issue) => ({
      path: jsonPath(issue.path),
      problem:
        issue.code === 'invalid_type' && issue.input === undefined
          ? `required key is missing (${issue.expected})`
          : issue.message,
    })),
  );
}
