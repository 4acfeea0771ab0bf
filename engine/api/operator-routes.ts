/**
 * The operator's routes: health, metrics, status, and the actions a person takes on a running
 * engine (kill switch, circuit-breaker reset, re-arming a strategy). Every action needs an
 * operator identity and a reason, because the audit log must say who did what and why; when the
 * API listens beyond loopback, actions also need the operator token.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { Outcome } from '../../shared/domain/outcome.ts';
import { type ApiRequest, type ApiResponse, errorBody, type Routes } from './http-server.ts';

export interface OperatorAction {
  readonly operator: string;
  readonly reason: string;
}

export type ActionOutcome = Outcome;

export interface EngineHealth {
  /** `fatal`: the engine will not trade again without a restart (e.g. bad broker keys). */
  readonly status: 'starting' | 'ok' | 'degraded' | 'fatal';
  readonly checks: Readonly<Record<string, string>>;
}

/** What the API needs from the engine; main.ts wires it to risk, execution and the strategy host. */
export interface EngineControl {
  health(): EngineHealth;
  status(): unknown;
  killSwitch(action: OperatorAction): Promise<ActionOutcome>;
  resetCircuitBreaker(action: OperatorAction): Promise<ActionOutcome>;
  enableStrategy(strategyId: string, action: OperatorAction): Promise<ActionOutcome>;
}

const operatorAction = z.strictObject({
  operator: z
    .string()
    .regex(/^[A-Za-z0-9._@-]{2,64}$/, 'must be 2-64 characters of letters, digits, . _ @ -'),
  reason: z.string().trim().min(3, 'must say why (at least 3 characters)').max(500),
});

const strategyAction = operatorAction.extend({ strategyId: z.string().min(1).max(64) });

export interface OperatorRoutesOptions {
  readonly control: EngineControl;
  readonly metrics: Registry;
  /** Required for actions when the API is reachable beyond loopback. */
  readonly operatorToken: string | undefined;
  readonly loopbackOnly: boolean;
}

function authorize(request: ApiRequest, options: OperatorRoutesOptions): ApiResponse | undefined {
  if (options.operatorToken === undefined) {
    return options.loopbackOnly
      ? undefined
      : {
          status: 403,
          body: errorBody(
            'forbidden',
            'operator actions need TRADING_OPERATOR_TOKEN when the API is not on loopback',
          ),
        };
  }
  const header = request.headers.authorization ?? '';
  const presented = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(options.operatorToken);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    return { status: 401, body: errorBody('unauthorized', 'a valid operator bearer token is required') };
  }
  return undefined;
}

function invalid(error: z.ZodError): ApiResponse {
  return {
    status: 400,
    body: errorBody('invalid_request', 'the request body is invalid', {
      issues: error.issues.map((issue) => ({ path: issue.path.join('.'), rule: issue.message })),
    }),
  };
}

/** Refusals that name something this engine does not have; every other refusal is a state conflict. */
const NOT_FOUND_CODES: ReadonlySet<string> = new Set(['unknown_strategy']);

function outcome(result: ActionOutcome): ApiResponse {
  if (result.ok) return { status: 200, body: { ok: true, detail: result.detail ?? null } };
  return {
    status: NOT_FOUND_CODES.has(result.code) ? 404 : 409,
    body: errorBody(result.code, result.message),
  };
}

export function operatorRoutes(options: OperatorRoutesOptions): Routes {
  const { control } = options;
  const action =
    <T extends z.ZodType<OperatorAction>>(schema: T, run: (body: z.output<T>) => Promise<ActionOutcome>) =>
    async (request: ApiRequest): Promise<ApiResponse> => {
      const denied = authorize(request, options);
      if (denied !== undefined) return denied;
      const parsed = schema.safeParse(request.body ?? {});
      if (!parsed.success) return invalid(parsed.error);
      return outcome(await run(parsed.data));
    };

  return {
    'GET /health': () => {
      const health = control.health();
      return { status: health.status === 'fatal' ? 503 : 200, body: health };
    },
    'GET /metrics': async () => ({
      status: 200,
      body: await options.metrics.metrics(),
      contentType: options.metrics.contentType,
    }),
    'GET /status': () => ({ status: 200, body: control.status() }),
    'POST /kill-switch': action(operatorAction, (body) => control.killSwitch(body)),
    'POST /circuit-breaker/reset': action(operatorAction, (body) => control.resetCircuitBreaker(body)),
    'POST /strategies/enable': action(strategyAction, ({ strategyId, ...body }) =>
      control.enableStrategy(strategyId, body),
    ),
  };
}
