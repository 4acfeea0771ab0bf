/**
 * Config files fuzzed: the system JSON, the risk TOML and the fees TOML are loaded or refused with
 * a ConfigError (or issues) naming file and key, never another exception, and loading a bad file
 * changes nothing it was given.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config/config-error.ts';
import { parseFeeRates, parseRiskLimits, validateConfig } from '../../shared/config/load-config.ts';
import { CONFIG_DIR, shippedSystemConfig } from '../support/shipped-config.ts';
import { tempFolder } from '../support/temp-files.ts';
import { expectOnlyDocumentedError, expectReason } from './fuzz-expectations.ts';
import { assertFuzz, FUZZ_TEST_TIMEOUT_MS } from './fuzz-settings.ts';
import { hostileJson, hostileText, mutatedObject } from './hostile-values.ts';

const RISK_TEXT = readFileSync(join(CONFIG_DIR, 'risk_limits.toml'), 'utf8');
const FEES_TEXT = readFileSync(join(CONFIG_DIR, 'fees.toml'), 'utf8');

/** TOML text of a valid file with one key changed; values TOML cannot spell (null) become raw text. */
function mutatedToml(text: string): fc.Arbitrary<string> {
  const sample = parseToml(text) as Record<string, unknown>;
  const sections = Object.keys(sample).filter(
    (key) => typeof sample[key] === 'object' && !Array.isArray(sample[key]),
  );
  const mutated = fc.oneof(
    mutatedObject(sample),
    sections.length === 0
      ? mutatedObject(sample)
      : fc.constantFrom(...sections).chain((section) =>
          mutatedObject(sample[section] as Record<string, unknown>).map((inner) => ({
            ...sample,
            [section]: inner,
          })),
        ),
  );
  return mutated.map((value) => {
    try {
      return stringifyToml(value);
    } catch (error) {
      return `${text}\n# ${String(error)}\n${JSON.stringify(value)}`;
    }
  });
}

describe('Config files under fuzzed input', () => {
  const folder = tempFolder();
  afterAll(() => folder.remove());

  it.each([
    ['risk limits', parseRiskLimits, RISK_TEXT],
    ['fee rates', parseFeeRates, FEES_TEXT],
  ] as const)(
    '%s TOML: any text loads or throws a ConfigError naming the file',
    (_name, parse, text) => {
      assertFuzz(
        fc.property(fc.oneof(mutatedToml(text), hostileText), (fuzzed) => {
          const result = expectOnlyDocumentedError(ConfigError, () => parse(fuzzed, 'fuzzed.toml'));
          if (!result.ok) {
            expect(result.error.message).toContain('fuzzed.toml');
            for (const issue of (result.error as ConfigError).issues) expectReason(issue.rule);
          }
        }),
        0.5,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'system JSON: any file validates or is refused with issues, and the environment is left alone',
    () => {
      const risk = folder.write('risk_limits.toml', RISK_TEXT);
      const system = shippedSystemConfig();
      const env = Object.freeze({ TRADING_MODE: 'paper' }) as NodeJS.ProcessEnv;
      assertFuzz(
        fc.property(
          fc.oneof(
            mutatedObject(system).map((value) => JSON.stringify(value)),
            fc
              .constantFrom(...Object.keys(system))
              .chain((key) =>
                typeof system[key] === 'object' && system[key] !== null && !Array.isArray(system[key])
                  ? mutatedObject(system[key] as Record<string, unknown>).map((inner) =>
                      JSON.stringify({ ...system, [key]: inner }),
                    )
                  : hostileJson.map((value) => JSON.stringify({ ...system, [key]: value })),
              ),
            hostileText,
          ),
          (text) => {
            const systemFile = folder.write('system.json', text);
            const result = validateConfig({ systemFile, riskFile: risk, env });
            if (!result.ok) {
              expect(result.issues.length).toBeGreaterThan(0);
              for (const issue of result.issues) expectReason(issue.rule);
            }
            expect(env).toStrictEqual({ TRADING_MODE: 'paper' });
          },
        ),
        0.25,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
