import { z } from 'zod';
import { type Fixed, fixedFromNumber, tryParseFixed } from '../domain/fixed.ts';

/** Money, a quantity or a percentage: a number or a decimal string, held exactly as Fixed. */
export const decimal = z.union([z.number(), z.string()]).transform((value, ctx): Fixed => {
  const parsed = typeof value === 'number' ? fixedFromNumber(value) : tryParseFixed(value);
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be a decimal number with at most 9 decimal places' });
    return z.NEVER;
  }
  return parsed;
});

export const positiveDecimal = decimal.refine((value) => value > 0n, {
  message: 'must be greater than zero',
});
