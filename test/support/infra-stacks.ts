/**
 * An environment's stacks as infra/app.ts builds them, for assertions: the shipped
 * config/deployment.json or a fixture's. The engine image is a registry stand-in unless a test
 * asks for the Dockerfile asset, and bundling is skipped unless a test asks for it (the bundles
 * are checked in store-infra.test.ts).
 */
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ContainerImage } from 'aws-cdk-lib/aws-ecs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { AccountStack } from '../../infra/account-stack.ts';
import { buildEnvironment, type EnvironmentStacks } from '../../infra/build-environment.ts';
import { loadEnvironmentDeployment } from '../../infra/deployment-config.ts';
import type { Environment } from '../../shared/config/system-schema.ts';

export type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

export interface SynthOptions {
  /** A deployment file in place of config/deployment.json. */
  readonly file?: string;
  /** Bundle the functions (slow; off by default). */
  readonly bundling?: boolean;
  /** Build from the Dockerfile (the asset) instead of a registry stand-in. */
  readonly dockerfile?: boolean;
  /** cdk-nag's AwsSolutions checks (they throw on an unacknowledged finding). */
  readonly nag?: boolean;
  readonly outdir?: string;
}

export interface SynthesizedEnvironment {
  readonly app: App;
  readonly stacks: EnvironmentStacks;
  readonly shared: Template;
  /** By account name. */
  account(name: string): Template;
  accountStack(name: string): AccountStack;
}

export function synthEnvironment(
  environment: Environment,
  options: SynthOptions = {},
): SynthesizedEnvironment {
  const app = new App({
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    ...(options.bundling ? {} : { context: { 'aws:cdk:bundling-stacks': [] } }),
  });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const deployment = loadEnvironmentDeployment(
    environment,
    options.file === undefined ? {} : { file: options.file },
  );
  const stacks = buildEnvironment(
    app,
    deployment,
    options.dockerfile ? {} : { engineImage: ContainerImage.fromRegistry('trading-engine:test') },
  );
  const templates = new Map<string, Template>();
  const accountStack = (name: string) => {
    const stack = stacks.accounts.get(name);
    if (stack === undefined) throw new Error(`no account ${name} in ${environment}`);
    return stack;
  };
  return {
    app,
    stacks,
    shared: Template.fromStack(stacks.shared),
    accountStack,
    account: (name) => {
      let template = templates.get(name);
      if (template === undefined) {
        template = Template.fromStack(accountStack(name));
        templates.set(name, template);
      }
      return template;
    },
  };
}

/** The resources of a template, by logical id. */
export function resourcesOf(template: Template): Record<string, Resource> {
  return template.toJSON().Resources as Record<string, Resource>;
}
