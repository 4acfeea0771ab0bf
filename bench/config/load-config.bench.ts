import { join } from 'node:path';
import { loadConfig } from '../../shared/config/load-config.ts';
import { latencyBenchmark } from '../harness.ts';

const systemFile = join(import.meta.dirname, '../../config/system.json');

export const benchmarks = [
  latencyBenchmark({
    name: 'config.load',
    iterations: 2_000,
    warmup: 200,
    setup: () => systemFile,
    op: (file) => loadConfig({ systemFile: file, env: {} }),
  }),
];
