import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { soakConfig, soakRiskLimits } from '../../../local/soak/soak-config.ts';

const SHIPPED = join(import.meta.dirname, '../../../config/system.json');

describe('Function: soakConfig', () => {
  it("scales the quote strategy's period from the config's rate to the soak's and keeps the rest", () => {
    // Act
    const { text, changes } = soakConfig(SHIPPED, 20_000);
    // Assess
    const shipped = JSON.parse(readFileSync(SHIPPED, 'utf8'));
    const soak = JSON.parse(text);
    expect(changes).toStrictEqual(['quote-momentum: period 100 → 10000 quotes (× 20000 / 200 messages/s)']);
    expect(soak.strategies.find((s: { id: string }) => s.id === 'quote-momentum').period).toBe(10_000);
    expect(soak.strategies.find((s: { id: string }) => s.id === 'model').manifest).toBe(
      join(import.meta.dirname, '../../../models/xgboost-direction-5m/manifest.json'),
    );
    expect({ ...soak, strategies: undefined }).toStrictEqual({ ...shipped, strategies: undefined });
  });

  it("changes nothing at the config's own rate", () => {
    expect(soakConfig(SHIPPED, 200).changes).toStrictEqual([]);
  });
});

describe('Function: soakRiskLimits', () => {
  it('puts the breaker and the fill latch out of reach and keeps every other limit', () => {
    // Act
    const { text, changes } = soakRiskLimits(join(import.meta.dirname, '../../../config/risk_limits.toml'));
    // Assess
    expect(changes).toStrictEqual(['max_consecutive_losses 5 → 1000000', 'max_fills 50 → 1000000']);
    const shipped = readFileSync(join(import.meta.dirname, '../../../config/risk_limits.toml'), 'utf8');
    const otherLines = (toml: string) =>
      toml.split('\n').filter((line) => !/^(max_consecutive_losses|max_fills) =/.test(line));
    expect(otherLines(text)).toStrictEqual(otherLines(shipped));
  });
});
