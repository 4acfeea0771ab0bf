/**
 * The Lambda authorizer in front of the engine's operator API: API Gateway HTTP API, payload format
 * 2.0, simple responses, result caching off because the answer depends on the method. It answers
 * every event, a malformed one included, with a decision and never throws, so a bad request is a
 * counted denial rather than a 500. The token is never logged, counted or returned: the logger is
 * told not to log the event (which carries the Authorization header) whatever the environment says.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { tokenMatcher } from '../../shared/api/api-tokens.ts';
import { type Subnet, sourceAllowList } from '../../shared/net/source-allow-list.ts';
import { FUNCTION_SERVICES, functionMetrics } from '../ops/function-metrics.ts';
import { type AccessDecision, decideOperatorAccess } from './operator-access.ts';
import type { TokenSources } from './operator-tokens.ts';

/** Metric names (Count, dimensions `service` and `account`) for the CDK's alarms and dashboards. */
export const OPERATOR_AUTHORIZER_METRICS = {
  allowed: 'OperatorRequestsAllowed',
  denied: 'OperatorRequestsDenied',
} as const;

export interface OperatorAuthorizerDependencies {
  /** The account's name: the `account` metric dimension and a key on every log line. */
  readonly account: string;
  /** Source addresses let through; empty lets any address through. */
  readonly allowedCidrs: readonly Subnet[];
  readonly tokens: TokenSources;
}

/** API Gateway's simple response; the context reaches the integration as $context.authorizer.*. */
export interface OperatorAuthorizerResponse {
  readonly isAuthorized: boolean;
  readonly context: { readonly role: AccessDecision['role']; readonly reason: AccessDecision['reason'] };
}

export function createOperatorAuthorizer(deps: OperatorAuthorizerDependencies) {
  const logger = new Logger({
    serviceName: FUNCTION_SERVICES.operatorAuthorizer,
    persistentKeys: { account: deps.account },
  });
  const metrics = functionMetrics(FUNCTION_SERVICES.operatorAuthorizer, deps.account);
  const access = {
    allowedSources: sourceAllowList(deps.allowedCidrs),
    tokens: deps.tokens,
    match: tokenMatcher(),
  };

  const handle = async (event: unknown): Promise<OperatorAuthorizerResponse> => {
    const decision = await decideOperatorAccess(event, access);
    for (const problem of decision.secretProblems)
      logger.error('operator token secret unusable', { problem });
    // Both metrics on every request, so each has a data point per request and an alarm never starves.
    metrics.addMetric(OPERATOR_AUTHORIZER_METRICS.allowed, MetricUnit.Count, decision.allowed ? 1 : 0);
    metrics.addMetric(OPERATOR_AUTHORIZER_METRICS.denied, MetricUnit.Count, decision.allowed ? 0 : 1);
    const request =
      decision.request === undefined
        ? {}
        : {
            method: decision.request.method,
            path: decision.request.path,
            sourceIp: decision.request.sourceIp,
          };
    if (decision.allowed) {
      logger.info('operator request allowed', { role: decision.role, ...request });
    } else {
      logger.warn('operator request denied', {
        reason: decision.reason,
        ...request,
        ...(decision.eventProblem === undefined ? {} : { problem: decision.eventProblem }),
      });
    }
    return { isAuthorized: decision.allowed, context: { role: decision.role, reason: decision.reason } };
  };

  return middy(handle)
    .use(injectLambdaContext(logger, { logEvent: false }))
    .use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
}
