/**
 * npm run validate-config -- FILE [RISK_FILE] [--ignore-env]
 * Checks a system config (and its risk file) and lists every problem; exit 1 when any.
 */
import { parseArgs } from 'node:util';
import { checkConfigFiles } from '../shared/config/config-check.ts';

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
  const check = checkConfigFiles({
    systemFile,
    ...(riskFile === undefined ? {} : { riskFile }),
    env: parsed.values['ignore-env'] === true ? {} : process.env,
  });
  for (const line of check.lines) (check.ok ? console.log : console.error)(line);
  return check.ok ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
