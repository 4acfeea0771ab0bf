/** One thing wrong with the configuration: where it is and which rule it breaks. */
export interface ConfigIssue {
  /** The file, or `environment variable NAME` for an override. */
  readonly source: string;
  /** Dotted key path inside that source, e.g. `limits.max_open_positions`; empty for the whole file. */
  readonly path: string;
  readonly rule: string;
}

export function formatConfigIssue(issue: ConfigIssue): string {
  return issue.path === ''
    ? `${issue.source}: ${issue.rule}`
    : `${issue.source}: ${issue.path}: ${issue.rule}`;
}

/** Every problem found, reported at once so an operator fixes them in one pass. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(
      `configuration is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues
        .map((issue) => `  - ${formatConfigIssue(issue)}`)
        .join('\n')}`,
    );
    this.issues = issues;
  }
}
