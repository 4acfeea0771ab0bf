import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../../shared/config/system-schema.ts';
import {
  type DeploymentFixture,
  deploymentFixture,
  twoAccountStaging,
} from '../support/deployment-fixture.ts';
import { synthEnvironment } from '../support/infra-stacks.ts';

// cdk-nag's AwsSolutions pack as infra/app.ts runs it, on the stacks as they deploy (the engine
// image from the Dockerfile): an unacknowledged finding makes the synthesis throw with its id.
describe('cdk-nag AwsSolutions', () => {
  it.each(ENVIRONMENTS)(
    'finds nothing unacknowledged in %s',
    (environment) => {
      const synthesized = synthEnvironment(environment, { nag: true, dockerfile: true });
      expect(() => synthesized.app.synth()).not.toThrow();
    },
    120_000,
  );

  describe('with two accounts', () => {
    let fixture: DeploymentFixture;
    beforeAll(() => {
      fixture = deploymentFixture();
      twoAccountStaging(fixture);
    });
    afterAll(() => fixture.remove());

    it('finds nothing unacknowledged', () => {
      const synthesized = synthEnvironment('staging', { nag: true, dockerfile: true, file: fixture.file });
      expect(() => synthesized.app.synth()).not.toThrow();
    }, 120_000);
  });
});
