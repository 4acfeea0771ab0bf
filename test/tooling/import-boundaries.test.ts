/**
 * The import boundaries in biome.json (noRestrictedImports, per-folder overrides) bite: probe
 * files written into the tree, each line one import, are linted with the repo's Biome, and every
 * forbidden import (and no allowed one) is reported under the rule's name. The probes are removed
 * whatever happens. Biome runs this one rule only (--only), which spares it the project scan the
 * type-aware rules need (about a second instead of ten); a rule that biome.json switched off would
 * still run under --only, but as a warning, and only errors count here.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const BIOME = join(ROOT, 'node_modules/@biomejs/biome/bin/biome');
const RULE = 'lint/style/noRestrictedImports';

/** Which boundary a diagnostic belongs to, told by the start of its message in biome.json. */
const BOUNDARIES = {
  sim: 'The simulator is a venue of its own',
  shared: 'shared/ is what engine, functions and sim build on',
  io: 'Domain code does no I/O',
  adapter: 'Domain code does not reach the broker adapter',
  venue: 'The engine core reaches a venue only through its ports',
} as const;
type Boundary = keyof typeof BOUNDARIES;

/** A probe's imports, each with the boundary it breaks or null where it is allowed. */
const PROBES: Record<string, readonly (readonly [string, Boundary | null])[]> = {
  sim: [
    ['../engine/book/order-book.ts', 'sim'],
    ['../functions/watchdog/handler.ts', 'sim'],
    ['../infra/app.ts', 'sim'],
    ['../test/support/temp-files.ts', 'sim'],
    ['../shared/domain/fixed.ts', null],
    ['node:http', null],
  ],
  'sim/trading': [
    ['../../engine/trading-engine.ts', 'sim'],
    ['../market/market.ts', null],
  ],
  'shared/config': [
    ['../../engine/main.ts', 'shared'],
    ['../../sim/simulator.ts', 'shared'],
    ['../../bench/harness.ts', 'shared'],
    ['../../test/support/temp-files.ts', 'shared'],
    ['node:fs', null],
    ['../store/store.ts', null],
  ],
  'shared/domain': [
    ['node:fs', 'io'],
    ['node:fs/promises', 'io'],
    ['pino', 'io'],
    ['../broker/alpaca/trading-client.ts', 'adapter'],
    ['../store/store.ts', 'adapter'],
    ['../logging/logger.ts', 'adapter'],
    ['../../engine/book/order-book.ts', 'shared'],
    ['./fixed.ts', null],
  ],
  'shared/indicators': [
    ['node:fs', 'io'],
    ['@aws-sdk/client-sqs', 'io'],
    ['../store/store.ts', 'adapter'],
    ['../time/new-york-time.ts', null],
  ],
  'shared/features': [
    ['node:fs', 'io'],
    ['../logging/logger.ts', 'adapter'],
    ['../indicators/rsi.ts', null],
  ],
  // Only load-signal-model.ts, the models' file loader, reads files.
  'shared/models': [
    ['node:fs/promises', 'io'],
    ['@aws-sdk/client-sqs', 'io'],
    ['../features/feature-names.ts', null],
    ['node:path', null],
  ],
  'shared/strategies': [
    ['ws', 'io'],
    ['trading-signals', null],
  ],
  'shared/time': [
    ['node:child_process', 'io'],
    ['../domain/fixed.ts', null],
  ],
  'engine/risk': [
    ['undici', 'io'],
    ['@aws-sdk/client-dynamodb', 'io'],
    ['prom-client', 'io'],
    ['../../shared/store/store.ts', 'adapter'],
    ['../../shared/broker/alpaca/trading-client.ts', 'adapter'],
    ['../../shared/logging/logger.ts', 'adapter'],
    ['../../shared/config/risk-schema.ts', null],
    ['./risk-events.ts', null],
  ],
  'engine/book': [
    ['node:net', 'io'],
    ['../../shared/broker/alpaca/market-data/stream-decoder.ts', 'adapter'],
    ['../../shared/domain/fixed.ts', null],
  ],
  'engine/portfolio': [
    ['node:https', 'io'],
    ['#shared/broker/alpaca/trading-client-types.ts', 'adapter'],
    ['../risk/risk-events.ts', null],
  ],
  // The engine core's venue boundary (engine/risk, book and portfolio are held to the stricter
  // domain rule above, which already refuses every broker adapter).
  'engine/marketdata': [
    ['../../shared/broker/alpaca/market-data/feed-client.ts', 'venue'],
    ['../../shared/broker/alpaca/market-data/history-client.ts', 'venue'],
    ['../../shared/broker/alpaca/stream-connection-states.ts', 'venue'],
    ['#shared/broker/alpaca/market-data/stream-decoder.ts', 'venue'],
    ['../../shared/venue/market-data-feed.ts', null],
    ['../../shared/venue/feed-metrics.ts', null],
    ['../book/order-book.ts', null],
    ['undici', null],
  ],
  'engine/strategy': [
    ['../../shared/broker/alpaca/trading-client.ts', 'venue'],
    ['../../shared/broker/alpaca/market-data/stream-messages.ts', 'venue'],
    ['../../shared/venue/market-data-feed.ts', null],
    ['../marketdata/market-data-service.ts', null],
  ],
  'engine/execution': [
    ['../../shared/broker/alpaca/trading-client.ts', 'venue'],
    ['../../shared/broker/alpaca/alpaca-venue.ts', 'venue'],
    ['../../shared/broker/alpaca/trading-client-errors.ts', 'venue'],
    ['../../shared/venue/trading-venue.ts', null],
    ['../../shared/venue/venue-errors.ts', null],
    ['undici', null],
  ],
  'engine/persistence': [
    ['../../shared/broker/alpaca/trading-client.ts', 'venue'],
    ['../../shared/store/store.ts', null],
  ],
  'engine/calendar': [['../../shared/broker/alpaca/trading-client-errors.ts', 'venue']],
  engine: [
    ['../shared/broker/alpaca/alpaca-venue.ts', 'venue'],
    ['./trading-engine.ts', null],
  ],
  // The wiring builds the adapter for the engine: the one place besides trading-engine.ts and main.ts.
  'engine/wiring': [['../../shared/broker/alpaca/alpaca-venue.ts', null]],
};

describe('Import boundaries (biome.json noRestrictedImports)', () => {
  it('reports every forbidden import in a probe file, and no allowed one', () => {
    const name = `__boundary_probe_${process.pid}__.ts`;
    const files = Object.keys(PROBES).map((folder) => `${folder}/${name}`);
    const expected: string[] = [];
    try {
      for (const [folder, imports] of Object.entries(PROBES)) {
        writeFileSync(join(ROOT, folder, name), imports.map(([source]) => `import '${source}';\n`).join(''));
        imports.forEach(([, boundary], i) => {
          if (boundary !== null) expected.push(`${folder}/${name}:${i + 1} ${boundary}`);
        });
      }
      const lint = spawnSync(
        process.execPath,
        [
          BIOME,
          'lint',
          `--only=${RULE.slice('lint/'.length)}`,
          '--reporter=github',
          '--max-diagnostics=none',
          ...files,
        ],
        { cwd: ROOT, encoding: 'utf8' },
      );
      expect(lint.status, lint.stderr).toBe(1);
      expect(reported(lint.stdout).sort()).toEqual(expected.sort());
    } finally {
      for (const file of files) rmSync(join(ROOT, file), { force: true });
    }
  });
});

/** `file:line boundary` for each noRestrictedImports diagnostic in Biome's GitHub-annotation output. */
function reported(output: string): string[] {
  const found: string[] = [];
  for (const line of output.split('\n')) {
    const match = /^::error title=([^,]+),file=([^,]+),line=(\d+),.*?::(.*)$/.exec(line);
    if (match === null) continue;
    const [, rule, file, row, message] = match as unknown as [string, string, string, string, string];
    expect(rule).toBe(RULE);
    const boundary = Object.entries(BOUNDARIES).find(([, start]) => message.startsWith(start))?.[0];
    found.push(`${file.slice(ROOT.length + 1)}:${row} ${boundary ?? message}`);
  }
  return found;
}
