/**
 * npm run model -- predict --model FILE --features FILE.csv
 * Prints one prediction per CSV row, as the training library's predict gives it: P(positive
 * class), the regression value, or one probability per class separated by commas.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseFeatureCsv } from '../shared/features/feature-csv.ts';
import { loadModelFile } from '../shared/models/load-signal-model.ts';

const USAGE = 'usage: npm run model -- predict --model MANIFEST_OR_MODEL.json --features FEATURES.csv';

const argsSchema = z.object({
  command: z.literal('predict', {
    error: (issue) => `unknown command ${JSON.stringify(issue.input)} (expected predict)`,
  }),
  model: z.string({ error: '--model FILE is required' }).min(1, '--model needs a file'),
  features: z.string({ error: '--features FILE.csv is required' }).min(1, '--features needs a file'),
});

function parseCommandLine(argv: string[]): z.output<typeof argsSchema> | string {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { model: { type: 'string' }, features: { type: 'string' }, help: { type: 'boolean' } },
      allowPositionals: true,
    });
  } catch (error) {
    return (error as Error).message;
  }
  if (parsed.values.help === true) return '';
  if (parsed.positionals.length > 1) return `unexpected arguments: ${parsed.positionals.slice(1).join(' ')}`;
  const result = argsSchema.safeParse({ ...parsed.values, command: parsed.positionals[0] });
  return result.success ? result.data : result.error.issues.map((issue) => issue.message).join('; ');
}

function main(argv: string[]): number {
  const args = parseCommandLine(argv);
  if (typeof args === 'string') {
    if (args === '') {
      console.log(USAGE);
      return 0;
    }
    console.error(`${args}\n${USAGE}`);
    return 2;
  }
  try {
    const { model, featureNames } = loadModelFile(args.model);
    let text: string;
    try {
      text = readFileSync(args.features, 'utf8');
    } catch (error) {
      throw new Error(`${args.features}: cannot read the file (${(error as NodeJS.ErrnoException).code})`);
    }
    const table = parseFeatureCsv(text, args.features, featureNames);
    if (table.columns.length !== model.featureCount)
      throw new Error(
        `${args.features}: line 1: ${table.columns.length} columns but the model takes ${model.featureCount} features`,
      );
    const out = new Float64Array(model.outputCount);
    const lines: string[] = [];
    for (const row of table.rows) {
      model.predictInto(row, out);
      lines.push(out.join(','));
    }
    process.stdout.write(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
