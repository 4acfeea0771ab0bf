import { afterAll, describe, expect, it } from 'vitest';
import { resolveConnection, resolveNamedConnection, resolveOperator } from '../../cli/ctl-connection.ts';
import { UsageError } from '../../cli/errors.ts';
import { writeLocalEndpoints } from '../../local/local-endpoints.ts';
import { tempFolder } from '../support/temp-files.ts';

const READ = 'local-read-token-0123456789';
const OPERATOR = 'local-operator-token-0123456789';
const PROD = 'prod-token-from-env-0123456789';

describe('Function: resolveConnection', () => {
  const folder = tempFolder();
  afterAll(() => folder.remove());
  const endpointsFile = folder.path('local-endpoints.json');
  writeLocalEndpoints(endpointsFile, {
    pid: process.pid,
    dynamoEndpoint: 'http://127.0.0.1:4000',
    engineApi: 'http://127.0.0.1:8080',
    apiTokens: { read: READ, operator: OPERATOR },
  });
  const profiles = folder.write(
    'profiles.json',
    JSON.stringify({
      profiles: {
        prod: { url: 'https://engine.example.com', tokenEnv: 'PROD_TOKEN', operator: 'alice' },
        paper: { url: 'https://paper.example.com', token: 'paper-token-in-file-0123' },
      },
    }),
  );
  const env = { TRADING_PROFILES_FILE: profiles, PROD_TOKEN: PROD };

  function refusal(run: () => unknown): string {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error('resolved');
  }

  it("falls back to the local stack with the token of the command's role", () => {
    expect(resolveConnection({}, 'operator', { env: {}, endpointsFile })).toStrictEqual({
      url: 'http://127.0.0.1:8080',
      token: OPERATOR,
      source: `the local stack (${endpointsFile})`,
      operator: undefined,
    });
    expect(resolveConnection({}, 'read', { env: {}, endpointsFile }).token).toBe(READ);
    expect(resolveConnection({}, 'admin', { env: {}, endpointsFile }).token).toBeUndefined();
  });

  it('prefers a --url flag over the environment, and the environment over the local stack', () => {
    const fromEnv = { TRADING_API_URL: 'http://127.0.0.1:9000', TRADING_API_TOKEN: PROD };
    expect(resolveConnection({}, 'read', { env: fromEnv, endpointsFile })).toStrictEqual({
      url: 'http://127.0.0.1:9000',
      token: PROD,
      source: 'TRADING_API_URL',
      operator: undefined,
    });
    // The local stack's token does not go to an engine it does not belong to.
    expect(
      resolveConnection({ url: 'http://127.0.0.1:9100' }, 'read', { env: {}, endpointsFile }),
    ).toStrictEqual({ url: 'http://127.0.0.1:9100', token: undefined, source: '--url', operator: undefined });
  });

  it("reads a profile's URL, its token from the variable it names, and its operator", () => {
    expect(resolveConnection({ profile: 'prod' }, 'operator', { env, endpointsFile })).toStrictEqual({
      url: 'https://engine.example.com',
      token: PROD,
      source: 'profile prod',
      operator: 'alice',
    });
    expect(resolveNamedConnection({}, { env: { ...env, TRADING_PROFILE: 'paper' } })).toStrictEqual({
      url: 'https://paper.example.com',
      token: 'paper-token-in-file-0123',
      source: 'profile paper',
      operator: undefined,
    });
    expect(resolveNamedConnection({}, { env: {} })).toBeUndefined();
  });

  it('names the file and the field of a bad profile, never the token', () => {
    const bad = folder.write(
      'bad-profiles.json',
      JSON.stringify({ profiles: { prod: { url: 'not a url', token: 'short secret', colour: 'red' } } }),
    );
    const message = refusal(() =>
      resolveConnection({ profile: 'prod' }, 'read', { env: { TRADING_PROFILES_FILE: bad }, endpointsFile }),
    );
    expect(message).toMatch(new RegExp(`^${bad} is invalid: `));
    expect(message).toContain('profiles.prod.url: ');
    expect(message).toContain('profiles.prod.token: 16 to 4096 visible ASCII characters, no spaces');
    expect(message).toContain('profiles.prod: Unrecognized key: "colour"');
    expect(message).not.toContain('short secret');
  });

  it('says which profile is missing, which variable is unset, and when no engine is anywhere', () => {
    expect(refusal(() => resolveConnection({ profile: 'staging' }, 'read', { env, endpointsFile }))).toBe(
      `${profiles} has no profile "staging" (it has: prod, paper)`,
    );
    expect(
      refusal(() =>
        resolveConnection({ profile: 'prod' }, 'read', {
          env: { TRADING_PROFILES_FILE: profiles },
          endpointsFile,
        }),
      ),
    ).toBe('profile "prod": tokenEnv PROD_TOKEN is not set');
    expect(
      refusal(() => resolveConnection({}, 'read', { env: {}, endpointsFile: folder.path('none.json') })),
    ).toBe(
      `no engine to talk to: pass --url or --profile, set TRADING_API_URL, or start the local stack (npm start; ${folder.path('none.json')} is absent)`,
    );
    expect(refusal(() => resolveConnection({ token: 'x' }, 'read', { env: {}, endpointsFile }))).toBe(
      'the token from --token is not usable (16 to 4096 visible ASCII characters, no spaces)',
    );
  });
});

describe('Function: resolveOperator', () => {
  it('takes --operator, else the profile operator, else $USER', () => {
    expect(resolveOperator('bob', { operator: 'alice' }, { USER: 'carol' })).toBe('bob');
    expect(resolveOperator(undefined, { operator: 'alice' }, { USER: 'carol' })).toBe('alice');
    expect(resolveOperator(undefined, { operator: undefined }, { USER: 'carol' })).toBe('carol');
  });

  it("refuses a name the API would refuse, with the API's rule", () => {
    expect(() => resolveOperator(undefined, { operator: undefined }, { USER: 'a b' })).toThrow(
      'operator "a b" must be 2-64 characters of letters, digits, . _ @ -; pass --operator NAME',
    );
    expect(() => resolveOperator(undefined, { operator: undefined }, {})).toThrow(
      'say who acts: --operator NAME (no profile operator, no $USER)',
    );
  });
});
