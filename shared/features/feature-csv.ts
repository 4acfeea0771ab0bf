/**
 * Feature rows in CSV, as `npm run model -- predict` reads them and scripts/generate-features.ts
 * writes them: a header of feature names, then one row of numbers per line. An empty cell (or
 * `nan`, as NumPy writes it) is a missing value, NaN.
 */
import { z } from 'zod';

export interface FeatureTable {
  readonly columns: readonly string[];
  readonly rows: readonly Float64Array[];
}

const cellSchema = z
  .string()
  .transform((text) => text.trim())
  .pipe(
    z.union([
      z.enum(['', 'nan', 'NaN']).transform(() => Number.NaN),
      z
        .string()
        .refine((text) => Number.isFinite(Number(text)))
        .transform(Number),
    ]),
  );

/**
 * Parses the text of a CSV file; `source` names it in errors. With `expectedColumns`, the header
 * must list exactly those names in that order. Throws an Error naming the line and column.
 */
export function parseFeatureCsv(
  text: string,
  source: string,
  expectedColumns?: readonly string[],
): FeatureTable {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  if (lines.length === 0)
    throw new Error(`${source}: the file is empty (expected a header of feature names)`);
  const columns = lines[0]!.split(',').map((name) => name.trim());
  if (expectedColumns !== undefined && columns.join(',') !== expectedColumns.join(','))
    throw new Error(
      `${source}: line 1: the header must be the model's features in order:\n  expected ${expectedColumns.join(',')}\n  got      ${columns.join(',')}`,
    );
  const rows: Float64Array[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!.split(',');
    if (cells.length !== columns.length)
      throw new Error(`${source}: line ${i + 1}: ${cells.length} cells, expected ${columns.length}`);
    const row = new Float64Array(columns.length);
    for (let c = 0; c < cells.length; c++) {
      const cell = cellSchema.safeParse(cells[c]);
      if (!cell.success)
        throw new Error(
          `${source}: line ${i + 1}, column ${columns[c]}: ${JSON.stringify(cells[c])} is not a number`,
        );
      row[c] = cell.data;
    }
    rows.push(row);
  }
  return { columns, rows };
}
