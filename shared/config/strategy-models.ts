/**
 * The models that model-driven strategies name, loaded with the rest of the config so that a
 * missing or malformed model, or a signal window too short for its features, is reported beside
 * every other configuration problem, before anything starts.
 */
import { dirname, resolve } from 'node:path';
import { FeaturePipeline } from '../features/feature-pipeline.ts';
import { loadSignalModel } from '../models/load-signal-model.ts';
import { ModelError } from '../models/model-error.ts';
import type { SignalModel } from '../models/signal-model.ts';
import { modelWindowBars } from '../signals/model-signal-generator.ts';
import type { ConfigIssue } from './config-error.ts';
import type { SystemConfig } from './system-schema.ts';

/** By strategy id. */
export type StrategyModels = ReadonlyMap<string, SignalModel>;

export function loadStrategyModels(
  system: SystemConfig,
  systemFile: string,
): { models: StrategyModels; issues: ConfigIssue[] } {
  const models = new Map<string, SignalModel>();
  const issues: ConfigIssue[] = [];
  system.strategies.forEach((strategy, index) => {
    if (strategy.type !== 'model-driven') return;
    const path = `strategies.${index}.manifest`;
    let model: SignalModel;
    try {
      model = loadSignalModel(resolve(dirname(systemFile), strategy.manifest));
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      issues.push({ source: systemFile, path, rule: `model refused: ${error.message}` });
      return;
    }
    models.set(strategy.id, model);
    const window = system.signals?.windowBars;
    const needed = modelWindowBars(new FeaturePipeline(model.featureNames).warmupBars);
    if (strategy.runsIn === 'signal-function' && window !== undefined && window < needed) {
      issues.push({
        source: systemFile,
        path: 'signals.windowBars',
        rule: `strategy ${strategy.id}'s model needs windows of at least ${needed} bars, not ${window}`,
      });
    }
  });
  return { models, issues };
}

/** The loader loads every model-driven strategy's model, so a missing one is a wiring bug. */
export function strategyModel(models: StrategyModels, strategyId: string): SignalModel {
  const model = models.get(strategyId);
  if (model === undefined) throw new Error(`no model was loaded for strategy ${strategyId}`);
  return model;
}
