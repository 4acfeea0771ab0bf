/**
 * The operator API's Lambda authorizer invoked with API Gateway HTTP API authorizer events (payload
 * format 2.0) through its middy handler, with the Powertools logger and EMF metrics it prints. The
 * token secrets are plain values here: there is no local Secrets Manager, and the handler module's
 * only other part is the getSecret call.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createOperatorAuthorizer,
  OPERATOR_AUTHORIZER_METRICS,
} from '../../../functions/operator-authorizer/operator-authorizer.ts';
import { readOperatorAuthorizerEnvironment } from '../../../functions/operator-authorizer/operator-authorizer-environment.ts';
import type { TokenSources } from '../../../functions/operator-authorizer/operator-tokens.ts';
import { captureOutput, emfMetrics, lambdaContext } from '../../support/lambda-harness.ts';

const OPERATOR_TOKEN = 'op-7Hq2Vd9LxR4mTz8KpW3sYc6N';
const READ_TOKEN = 'rd-Jm5Qe1Zb8UvG2nXk7Ft4Lh9A';
const ADMIN_TOKEN = 'ad-Pw3Rt6Yu9Io2Kl5Zx8Cv1Bn4';
const ACCOUNT = 'paper-main';

const BASE_ENV = {
  ACCOUNT_NAME: ACCOUNT,
  OPERATOR_TOKEN_SECRET_ID: 'trading/paper-main/operator-token',
  READ_TOKEN_SECRET_ID: 'trading/paper-main/read-token',
  ADMIN_TOKEN_SECRET_ID: 'trading/paper-main/admin-token',
};

interface RequestShape {
  readonly method?: string;
  readonly path?: string;
  readonly sourceIp?: string;
  /** The Authorization header as sent; undefined sends none. */
  readonly authorization?: string | undefined;
}

/** An HTTP API authorizer event (payload 2.0) as API Gateway builds it for a route `METHOD /path`. */
function authorizerEvent(shape: RequestShape = {}) {
  const method = shape.method ?? 'GET';
  const path = shape.path ?? '/status';
  const sourceIp = shape.sourceIp ?? '203.0.113.24';
  const authorization = 'authorization' in shape ? shape.authorization : `Bearer ${READ_TOKEN}`;
  const routeKey = `${method} ${path}`;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:us-east-1:123456789012:k3v9x2m1qa/$default/${method}${path}`,
    identitySource: authorization === undefined ? [] : [authorization],
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {
      accept: 'application/json',
      ...(authorization === undefined ? {} : { authorization }),
      'content-length': method === 'POST' ? '52' : '0',
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
      host: 'k3v9x2m1qa.execute-api.us-east-1.amazonaws.com',
      'user-agent': 'curl/8.5.0',
      'x-amzn-trace-id': 'Root=1-67d1c2a4-2f7c1d0e5b9a8c3d4e6f7a8b',
      'x-forwarded-for': sourceIp,
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'k3v9x2m1qa',
      domainName: 'k3v9x2m1qa.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'k3v9x2m1qa',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp, userAgent: 'curl/8.5.0' },
      requestId: 'H6Zq3jXbIAMEVkw=',
      routeKey,
      stage: '$default',
      time: '12/Mar/2026:19:03:58 +0000',
      timeEpoch: 1773342238390,
    },
  };
}

const plainTokens: TokenSources = {
  operator: async () => OPERATOR_TOKEN,
  read: async () => READ_TOKEN,
  admin: async () => ADMIN_TOKEN,
};

function authorizer(options: { allowedCidrs?: string; tokens?: TokenSources } = {}) {
  const env = readOperatorAuthorizerEnvironment({ ...BASE_ENV, ALLOWED_CIDRS: options.allowedCidrs });
  return createOperatorAuthorizer({
    account: env.ACCOUNT_NAME,
    allowedCidrs: env.ALLOWED_CIDRS,
    tokens: options.tokens ?? plainTokens,
  });
}

async function invoke(handler: ReturnType<typeof authorizer>, event: unknown) {
  const { result, lines } = await captureOutput(() =>
    handler(event, lambdaContext('operator-authorizer') as never),
  );
  return { response: result, lines };
}

/** Every printed line, so a test can look for a token anywhere in the output. */
const printed = (lines: readonly Record<string, unknown>[]) => lines.map((line) => JSON.stringify(line));

const denied = (reason: string) => ({ isAuthorized: false, context: { role: 'none', reason } });

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Function: createOperatorAuthorizer (API Gateway HTTP API authorizer, simple responses)', () => {
  describe('the operator token', () => {
    it.each(['POST', 'GET', 'HEAD', 'DELETE'])('lets %s through as the operator', async (method) => {
      const { response } = await invoke(
        authorizer(),
        authorizerEvent({ method, path: '/kill-switch', authorization: `Bearer ${OPERATOR_TOKEN}` }),
      );

      expect(response).toStrictEqual({
        isAuthorized: true,
        context: { role: 'operator', reason: 'operator_token' },
      });
    });
  });

  describe('the admin token', () => {
    it.each(['POST', 'GET'])(
      'lets %s through as the admin (the engine checks each route’s role)',
      async (method) => {
        const { response } = await invoke(
          authorizer(),
          authorizerEvent({ method, path: '/circuit-breaker/reset', authorization: `Bearer ${ADMIN_TOKEN}` }),
        );

        expect(response).toStrictEqual({
          isAuthorized: true,
          context: { role: 'admin', reason: 'admin_token' },
        });
      },
    );
  });

  describe('the read-only token', () => {
    it.each([
      ['GET', '/status'],
      ['GET', '/metrics'],
      ['HEAD', '/health'],
    ])('lets %s %s through as a reader', async (method, path) => {
      const { response } = await invoke(authorizer(), authorizerEvent({ method, path }));

      expect(response).toStrictEqual({ isAuthorized: true, context: { role: 'read', reason: 'read_token' } });
    });

    it.each([
      ['POST', '/kill-switch'],
      ['POST', '/circuit-breaker/reset'],
      ['POST', '/strategies/momentum/enable'],
      ['DELETE', '/positions/AAPL'],
      ['PUT', '/status'],
      ['OPTIONS', '/status'],
    ])('refuses %s %s', async (method, path) => {
      const { response, lines } = await invoke(authorizer(), authorizerEvent({ method, path }));

      expect(response).toStrictEqual(denied('read_only_token'));
      expect(lines.find((line) => line.message === 'operator request denied')).toMatchObject({
        level: 'WARN',
        reason: 'read_only_token',
        method,
        path,
        sourceIp: '203.0.113.24',
        account: ACCOUNT,
      });
    });
  });

  describe('a request without a known bearer token', () => {
    const lastCharacterChanged = `${OPERATOR_TOKEN.slice(0, -1)}${OPERATOR_TOKEN.endsWith('N') ? 'M' : 'N'}`;
    it.each([
      ['a wrong token of the same length', `Bearer ${lastCharacterChanged}`, 'unknown_token'],
      ['the operator token with a character more', `Bearer ${OPERATOR_TOKEN}x`, 'unknown_token'],
      ['the operator token cut short', `Bearer ${OPERATOR_TOKEN.slice(0, 12)}`, 'unknown_token'],
      ['the operator token with a space before it', `Bearer  ${OPERATOR_TOKEN}`, 'unknown_token'],
      ['another scheme', `Basic ${Buffer.from(`ops:${OPERATOR_TOKEN}`).toString('base64')}`, 'wrong_scheme'],
      ['the token without a scheme', OPERATOR_TOKEN, 'wrong_scheme'],
      ['a lower-case scheme, which the engine refuses too', `bearer ${OPERATOR_TOKEN}`, 'wrong_scheme'],
      ['an empty token', 'Bearer ', 'empty_token'],
      ['a bare scheme (API Gateway trims "Bearer ")', 'Bearer', 'empty_token'],
      ['a blank header', '', 'missing_token'],
      ['no Authorization header', undefined, 'missing_token'],
    ])('refuses %s', async (_case, authorization, reason) => {
      const { response, lines } = await invoke(
        authorizer(),
        authorizerEvent({ method: 'POST', path: '/kill-switch', authorization }),
      );

      expect(response).toStrictEqual(denied(reason));
      expect(lines.find((line) => line.message === 'operator request denied')).toMatchObject({
        level: 'WARN',
        reason,
        method: 'POST',
        path: '/kill-switch',
        sourceIp: '203.0.113.24',
      });
      expect(printed(lines).filter((line) => line.includes(OPERATOR_TOKEN.slice(3)))).toStrictEqual([]);
    });
  });

  it('lets a header through only when it is exactly Bearer and a known token (property)', async () => {
    const handler = authorizer();
    const nearToken = fc
      .tuple(fc.constantFrom(OPERATOR_TOKEN, READ_TOKEN), fc.string(), fc.nat(), fc.nat())
      .map(([token, noise, start, cut]) => {
        const at = start % (token.length + 1);
        return `${token.slice(0, at)}${noise}${token.slice(at + (cut % 3))}`;
      });
    const header = fc.oneof(
      fc.string(),
      nearToken.map((token) => `Bearer ${token}`),
      fc.tuple(fc.string(), nearToken).map(([scheme, token]) => `${scheme} ${token}`),
    );

    await fc.assert(
      fc.asyncProperty(header, fc.constantFrom('GET', 'POST'), async (authorization, method) => {
        const { response } = await invoke(handler, authorizerEvent({ method, authorization }));

        const expected =
          authorization === `Bearer ${OPERATOR_TOKEN}` ||
          (authorization === `Bearer ${READ_TOKEN}` && method === 'GET');
        expect(response.isAuthorized).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  describe('the source address allow-list', () => {
    const allowedCidrs = '203.0.113.0/24, 198.51.100.7/32, 2001:db8:4000::/36';
    const operatorPost = { method: 'POST', path: '/kill-switch', authorization: `Bearer ${OPERATOR_TOKEN}` };

    it.each([
      ['an IPv4 address inside a /24', '203.0.113.200'],
      ['the one host of a /32', '198.51.100.7'],
      ['an IPv6 address inside the /36', '2001:db8:4fff:ffff::1'],
      ['an IPv4-mapped IPv6 address inside the /24', '::ffff:203.0.113.9'],
    ])('lets in %s', async (_case, sourceIp) => {
      const { response } = await invoke(
        authorizer({ allowedCidrs }),
        authorizerEvent({ ...operatorPost, sourceIp }),
      );

      expect(response).toStrictEqual({
        isAuthorized: true,
        context: { role: 'operator', reason: 'operator_token' },
      });
    });

    it.each([
      ['an IPv4 address outside every subnet', '192.0.2.10'],
      ['the neighbour of the /32', '198.51.100.8'],
      ['an IPv6 address just past the /36', '2001:db8:5000::1'],
      ['another IPv6 network', '2001:db9::1'],
    ])('shuts out %s, even with the operator token', async (_case, sourceIp) => {
      const { response, lines } = await invoke(
        authorizer({ allowedCidrs }),
        authorizerEvent({ ...operatorPost, sourceIp }),
      );

      expect(response).toStrictEqual(denied('source_not_allowed'));
      expect(lines.find((line) => line.message === 'operator request denied')).toMatchObject({
        reason: 'source_not_allowed',
        sourceIp,
      });
    });

    it('lets any address in when ALLOWED_CIDRS is blank', async () => {
      const { response } = await invoke(
        authorizer({ allowedCidrs: '  ' }),
        authorizerEvent({ ...operatorPost, sourceIp: '2001:db8:ffff::1' }),
      );

      expect(response).toMatchObject({ isAuthorized: true });
    });
  });

  describe('a malformed event', () => {
    const wellFormed = authorizerEvent({ authorization: `Bearer ${OPERATOR_TOKEN}` });
    const { requestContext } = wellFormed;
    it.each([
      ['null', null, '(event)'],
      ['a string', 'GET /status', '(event)'],
      ['an empty object', {}, 'requestContext'],
      ['no requestContext', { ...wellFormed, requestContext: undefined }, 'requestContext'],
      [
        'no http in the requestContext',
        { ...wellFormed, requestContext: { ...requestContext, http: 42 } },
        'requestContext.http',
      ],
      [
        'a numeric source address',
        {
          ...wellFormed,
          requestContext: { ...requestContext, http: { ...requestContext.http, sourceIp: 7 } },
        },
        'requestContext.http.sourceIp',
      ],
      [
        'a source that is not an address',
        {
          ...wellFormed,
          requestContext: { ...requestContext, http: { ...requestContext.http, sourceIp: 'localhost' } },
        },
        'requestContext.http.sourceIp: must be an IPv4 or IPv6 address',
      ],
      [
        'headers that are not strings',
        { ...wellFormed, headers: { authorization: 17 } },
        'headers.authorization',
      ],
      ['payload format 1.0', { ...wellFormed, version: '1.0' }, 'version'],
    ])('denies %s without throwing', async (_case, event, problem) => {
      const { response, lines } = await invoke(authorizer(), event);

      expect(response).toStrictEqual(denied('malformed_event'));
      const denial = lines.find((line) => line.message === 'operator request denied');
      expect(denial).toMatchObject({ level: 'WARN', reason: 'malformed_event' });
      expect(denial?.problem).toContain(problem);
      expect(emfMetrics(lines)).toStrictEqual({ OperatorRequestsAllowed: 0, OperatorRequestsDenied: 1 });
      expect(printed(lines).filter((line) => line.includes(OPERATOR_TOKEN))).toStrictEqual([]);
    });
  });

  describe('the token secrets', () => {
    it('denies every token, fails closed, when the secrets cannot be read, and logs why without a token', async () => {
      const unreadable = async (): Promise<unknown> => {
        throw Object.assign(
          new Error(
            'User: arn:aws:sts::123456789012:assumed-role/operator-authorizer/fn is not authorized to perform: secretsmanager:GetSecretValue',
          ),
          { name: 'AccessDeniedException' },
        );
      };
      const handler = authorizer({ tokens: { operator: unreadable, read: unreadable, admin: unreadable } });

      const operator = await invoke(
        handler,
        authorizerEvent({ method: 'POST', authorization: `Bearer ${OPERATOR_TOKEN}` }),
      );
      const reader = await invoke(handler, authorizerEvent({ method: 'GET' }));

      expect(operator.response).toStrictEqual(denied('tokens_unavailable'));
      expect(reader.response).toStrictEqual(denied('tokens_unavailable'));
      const errors = operator.lines.filter((line) => line.level === 'ERROR');
      expect(errors.map((line) => line.problem)).toStrictEqual([
        expect.stringMatching(/^the read token secret could not be read \(AccessDeniedException: User: /),
        expect.stringMatching(/^the operator token secret could not be read \(AccessDeniedException: User: /),
        expect.stringMatching(/^the admin token secret could not be read \(AccessDeniedException: User: /),
      ]);
      expect(emfMetrics(operator.lines)).toStrictEqual({
        OperatorRequestsAllowed: 0,
        OperatorRequestsDenied: 1,
      });
      const output = printed([...operator.lines, ...reader.lines]);
      expect(
        output.filter((line) => line.includes(OPERATOR_TOKEN) || line.includes(READ_TOKEN)),
      ).toStrictEqual([]);
    });

    it('still admits the operator when only the read-only secret is broken, and logs the broken one', async () => {
      const handler = authorizer({
        tokens: { ...plainTokens, read: async () => new Uint8Array([1, 2, 3]) },
      });

      const operator = await invoke(
        handler,
        authorizerEvent({ method: 'POST', authorization: `Bearer ${OPERATOR_TOKEN}` }),
      );
      const reader = await invoke(handler, authorizerEvent({ method: 'GET' }));

      expect(operator.response).toMatchObject({ isAuthorized: true, context: { role: 'operator' } });
      expect(reader.response).toStrictEqual(denied('tokens_unavailable'));
      expect(
        operator.lines.filter((line) => line.level === 'ERROR').map((line) => line.problem),
      ).toStrictEqual(['the read token secret has no SecretString; store the token itself as a string']);
    });

    it.each([
      ['an empty string', ''],
      ['a short token', 'short-secret'],
      ['a token with a trailing newline', `${OPERATOR_TOKEN}\n`],
      ['a token with a space in it', `${OPERATOR_TOKEN} spare`],
    ])('will not take %s as the operator token, and does not echo it', async (_case, secret) => {
      const handler = authorizer({ tokens: { ...plainTokens, operator: async () => secret } });

      const { response, lines } = await invoke(
        handler,
        authorizerEvent({ method: 'POST', authorization: `Bearer ${OPERATOR_TOKEN}` }),
      );

      expect(response).toStrictEqual(denied('tokens_unavailable'));
      expect(lines.filter((line) => line.level === 'ERROR').map((line) => line.problem)).toStrictEqual([
        'the operator token secret does not hold a usable token (16 to 4096 visible ASCII characters, no spaces)',
      ]);
      expect(
        printed(lines).filter((line) => line.includes(OPERATOR_TOKEN) || line.includes('short-secret')),
      ).toStrictEqual([]);
    });

    it('turns the read-only role off when both secrets hold the same token', async () => {
      const handler = authorizer({ tokens: { ...plainTokens, read: plainTokens.operator } });

      const { response, lines } = await invoke(
        handler,
        authorizerEvent({ authorization: `Bearer ${OPERATOR_TOKEN}` }),
      );

      expect(response).toStrictEqual({
        isAuthorized: true,
        context: { role: 'operator', reason: 'operator_token' },
      });
      expect(lines.filter((line) => line.level === 'ERROR').map((line) => line.problem)).toStrictEqual([
        'the read token secret holds the operator token; the read role is off until they differ',
      ]);
    });

    it('reads the secrets only for a request from an allowed address with a bearer token', async () => {
      const operator = vi.fn(plainTokens.operator);
      const read = vi.fn(plainTokens.read);
      const handler = authorizer({
        allowedCidrs: '203.0.113.0/24',
        tokens: { operator, read, admin: plainTokens.admin },
      });

      await invoke(handler, authorizerEvent({ sourceIp: '192.0.2.1' }));
      await invoke(handler, authorizerEvent({ authorization: undefined }));
      await invoke(handler, authorizerEvent({}));

      expect(operator).toHaveBeenCalledTimes(1);
      expect(read).toHaveBeenCalledTimes(1);
    });
  });

  describe('metrics and logs', () => {
    it('counts each request as allowed or denied in namespace Trading with the account dimension', async () => {
      const handler = authorizer();

      const allowed = await invoke(handler, authorizerEvent({ method: 'GET', path: '/status' }));
      const refused = await invoke(handler, authorizerEvent({ method: 'POST', path: '/kill-switch' }));

      expect(emfMetrics(allowed.lines)).toStrictEqual({
        [OPERATOR_AUTHORIZER_METRICS.allowed]: 1,
        [OPERATOR_AUTHORIZER_METRICS.denied]: 0,
      });
      expect(emfMetrics(refused.lines)).toStrictEqual({
        OperatorRequestsAllowed: 0,
        OperatorRequestsDenied: 1,
      });
      const emf = refused.lines.find((line) => '_aws' in line);
      expect(emf).toMatchObject({ service: 'operator-authorizer', account: ACCOUNT });
      expect(emf?._aws).toMatchObject({
        CloudWatchMetrics: [
          {
            Namespace: 'Trading',
            Dimensions: [['service', 'account']],
            Metrics: [
              { Name: 'OperatorRequestsAllowed', Unit: 'Count' },
              { Name: 'OperatorRequestsDenied', Unit: 'Count' },
            ],
          },
        ],
      });
      expect(allowed.lines.find((line) => line.message === 'operator request allowed')).toMatchObject({
        level: 'INFO',
        role: 'read',
        method: 'GET',
        path: '/status',
        sourceIp: '203.0.113.24',
        account: ACCOUNT,
        function_request_id: 'req-1',
      });
    });

    it('never prints a token, even with POWERTOOLS_LOGGER_LOG_EVENT=true and debug logging', async () => {
      vi.stubEnv('POWERTOOLS_LOGGER_LOG_EVENT', 'true');
      vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
      const handler = authorizer({ allowedCidrs: '203.0.113.0/24' });
      const events = [
        authorizerEvent({ method: 'POST', path: '/kill-switch', authorization: `Bearer ${OPERATOR_TOKEN}` }),
        authorizerEvent({ method: 'GET', path: '/status' }),
        authorizerEvent({ method: 'POST', path: '/kill-switch' }),
        authorizerEvent({ method: 'POST', sourceIp: '192.0.2.1', authorization: `Bearer ${OPERATOR_TOKEN}` }),
        authorizerEvent({ authorization: `Basic ${OPERATOR_TOKEN}` }),
        { ...authorizerEvent({ authorization: `Bearer ${OPERATOR_TOKEN}` }), version: '1.0' },
      ];

      const outputs = [];
      for (const event of events) outputs.push(...(await invoke(handler, event)).lines);

      expect(outputs.filter((line) => line.message === 'operator request allowed')).toHaveLength(2);
      expect(outputs.filter((line) => line.message === 'operator request denied')).toHaveLength(4);
      expect(
        printed(outputs).filter((line) => line.includes(OPERATOR_TOKEN) || line.includes(READ_TOKEN)),
      ).toStrictEqual([]);
    });
  });
});

describe('Function: readOperatorAuthorizerEnvironment', () => {
  it('reads the secret ids and the allow-list as subnets', () => {
    const env = readOperatorAuthorizerEnvironment({
      ...BASE_ENV,
      ALLOWED_CIDRS: '203.0.113.0/24,2001:db8::/32',
    });

    expect(env).toStrictEqual({
      ...BASE_ENV,
      ALLOWED_CIDRS: [
        { address: '203.0.113.0', prefix: 24, family: 'ipv4' },
        { address: '2001:db8::', prefix: 32, family: 'ipv6' },
      ],
    });
  });

  it.each([undefined, '', ' '])('takes ALLOWED_CIDRS=%j as any source address', (allowedCidrs) => {
    expect(
      readOperatorAuthorizerEnvironment({ ...BASE_ENV, ALLOWED_CIDRS: allowedCidrs }).ALLOWED_CIDRS,
    ).toStrictEqual([]);
  });

  it('names every bad CIDR at once', () => {
    const read = () =>
      readOperatorAuthorizerEnvironment({
        ...BASE_ENV,
        ALLOWED_CIDRS: '203.0.113.0/24, 10.0.0.0/33, office, 2001:db8::/129, 192.0.2.1, ,fe80::1%eth0/64',
      });

    expect(read).toThrow(
      'operator-authorizer environment is invalid: ' +
        'ALLOWED_CIDRS: "10.0.0.0/33" has prefix /33; an IPv4 prefix is 0-32; ' +
        'ALLOWED_CIDRS: "office" is not a CIDR (address/prefix, such as 203.0.113.0/24 or 2001:db8::/32); ' +
        'ALLOWED_CIDRS: "2001:db8::/129" has prefix /129; an IPv6 prefix is 0-128; ' +
        'ALLOWED_CIDRS: "192.0.2.1" is not a CIDR (address/prefix, such as 203.0.113.0/24 or 2001:db8::/32); ' +
        'ALLOWED_CIDRS: entry 6 is empty; ' +
        'ALLOWED_CIDRS: "fe80::1%eth0/64" is not a CIDR (address/prefix, such as 203.0.113.0/24 or 2001:db8::/32)',
    );
  });

  it('names every missing setting', () => {
    expect(() => readOperatorAuthorizerEnvironment({ ALLOWED_CIDRS: '203.0.113.0/24' })).toThrow(
      /ACCOUNT_NAME: .*OPERATOR_TOKEN_SECRET_ID: .*READ_TOKEN_SECRET_ID: /,
    );
  });

  it('refuses one secret for both tokens', () => {
    expect(() =>
      readOperatorAuthorizerEnvironment({
        ...BASE_ENV,
        READ_TOKEN_SECRET_ID: BASE_ENV.OPERATOR_TOKEN_SECRET_ID,
      }),
    ).toThrow('READ_TOKEN_SECRET_ID: must not be OPERATOR_TOKEN_SECRET_ID');
  });
});
