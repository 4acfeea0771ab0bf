/**
 * A config check as a command reports it (`npm run validate-config`, `npm run ctl -- validate-config`):
 * one line saying the files are valid, or every problem with its file, key path and rule.
 */
import { type ConfigIssue, formatConfigIssue } from './config-error.ts';
import { defaultRiskFile, validateConfig } from './load-config.ts';

export interface ConfigCheck {
  readonly ok: boolean;
  readonly issues: readonly ConfigIssue[];
  /** For stdout when ok, for stderr otherwise. */
  readonly lines: readonly string[];
}

export function checkConfigFiles(options: {
  readonly systemFile: string;
  /** Defaults to risk_limits.toml beside the system file. */
  readonly riskFile?: string;
  readonly env: NodeJS.ProcessEnv;
}): ConfigCheck {
  const result = validateConfig({
    systemFile: options.systemFile,
    riskFile: options.riskFile ?? defaultRiskFile(options.systemFile),
    env: options.env,
  });
  if (result.ok)
    return {
      ok: true,
      issues: [],
      lines: [`ok: ${result.config.files.system} and ${result.config.files.risk} are valid`],
    };
  const count = result.issues.length;
  return {
    ok: false,
    issues: result.issues,
    lines: [
      `${count} problem${count === 1 ? '' : 's'}:`,
      ...result.issues.map((issue) => `  ${formatConfigIssue(issue)}`),
    ],
  };
}
