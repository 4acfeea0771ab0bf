/**
 * npm run validate-config -- FILE [RISK_FILE] [--ignore-env]
 * Checks a system config (and its risk file) and lists every problem; exit 1 when any.
 */
import { parseArgs } from 'node:util';
import { formatConfigIssue } from '../shared/config/config-error.ts';
import { defaultRiskFile, validateConfig } from '../shared/config/load-config.ts';

const USAGE = 'usage: npm run validate-config -- SYSTEM_FILE [RISK_FILE] [--ignore-env]';

function main(argv: string[]): number {
  let parsed: ReturnType<
    typeof parseArgs<{
      options: { 'ignore-env': { type: 'boolean' }; help: { type: 'boolean' } };
      allowPositionals: true;
    }>
  >;
  try {
    parsed = parseArgs({
      args: argv,
      options: { 'ignore-env': { type: 'boolean' }, help: { type: 'boolean' } },
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const [systemFile, riskFile, ...extra] = parsed.positionals;
  if (systemFile === undefined || extra.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const result = validateConfig({
    systemFile,
    riskFile: riskFile ?? defaultRiskFile(systemFile),
    env: parsed.values['ignore-env'] === true ? {} : process.env,
  });
  if (result.ok) {
    console.log(`ok: ${result.config.files.system} and ${result.config.files.risk} are valid`);
    return 0;
  }
  console.error(`${result.issues.length} problem${result.issues.length === 1 ? '' : 's'}:`);
  for (const issue of result.issues) console.error(`  ${formatConfigIssue(issue)}`);
  return 1;
}

process.exitCode = main(process.argv.slice(2));
