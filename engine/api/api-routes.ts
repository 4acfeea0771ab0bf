/**
 * Every route of the engine's API: reads for the `read` role, actions for `operator`, the
 * circuit-breaker reset for `admin`; health, readiness, the dashboard page and the OpenAPI
 * document need no token (probes and a browser must reach them; they hold nothing secret).
 */
import type { Registry } from 'prom-client';
import { z } from 'zod';
import {
  actionRequest,
  breakerResetAnswer,
  closePositionAnswer,
  engineStateEvent,
  fillsAnswer,
  healthAnswer,
  killSwitchAnswer,
  manualOrderAnswer,
  manualOrderRequest,
  ORDER_LISTS,
  ordersAnswer,
  pnlAnswer,
  positionsAnswer,
  readyAnswer,
  riskAnswer,
  statusAnswer,
  strategiesAnswer,
  strategyActionAnswer,
  symbolText,
} from '../../shared/api/engine-api-schemas.ts';
import type { Refusal } from '../../shared/domain/outcome.ts';
import { errorBody, type RouteAnswer, type RouteDefinition, route } from './api-route.ts';
import type { ActionBy, ActionResult, EngineControl } from './engine-control.ts';

const STATE_EVERY_MS = 1_000;

/** Refusals that name something this engine does not have; other refusals are state conflicts. */
const NOT_FOUND_CODES: ReadonlySet<string> = new Set(['unknown_strategy', 'no_position']);

function refused(refusal: Refusal, status?: number): RouteAnswer {
  return {
    status: status ?? (NOT_FOUND_CODES.has(refusal.code) ? 404 : 409),
    body: errorBody(refusal.code, refusal.message),
  };
}

function answer<T>(result: ActionResult<T>, status = 200): RouteAnswer {
  return result.ok ? { status, body: result.value } : refused(result);
}

const refusalAnswer = (description: string) => ({
  description,
  schema: z.object({ error: z.string(), message: z.string() }),
});

const strategyParams = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a strategy id'),
});

export interface ApiRoutesOptions {
  readonly control: EngineControl;
  readonly metrics: Registry;
  /** The dashboard page (HTML), served at GET / when given. */
  readonly dashboardPage?: () => string;
  /** The OpenAPI document, served at GET /openapi.json. */
  readonly openApi: () => unknown;
}

export function apiRoutes(options: ApiRoutesOptions): RouteDefinition[] {
  const { control } = options;
  const by = (role: RouteDefinitionCaller, body: { operator: string; reason: string }): ActionBy => ({
    role: role === 'public' ? 'read' : role,
    operator: body.operator,
    reason: body.reason,
  });
  const strategyToggle = (enabled: boolean) =>
    route({
      method: 'POST',
      path: `/strategies/{id}/${enabled ? 'enable' : 'disable'}`,
      operationId: enabled ? 'enableStrategy' : 'disableStrategy',
      summary: enabled
        ? 'Enable a strategy (re-arms one latched by risk after a fill storm)'
        : 'Disable a strategy: it makes no new decisions; its orders and positions stay',
      role: 'operator',
      params: strategyParams,
      body: actionRequest,
      idempotency: 'optional',
      answers: {
        200: { description: 'The strategy as it now is.', schema: strategyActionAnswer },
        404: refusalAnswer('No such strategy runs in this engine.'),
        409: refusalAnswer(`The strategy is already ${enabled ? 'enabled' : 'disabled'}.`),
      },
      handle: ({ params, body, caller }) =>
        answer(control.setStrategyEnabled(params.id!, enabled, by(caller, body))),
    });

  const { dashboardPage } = options;
  const dashboard =
    dashboardPage === undefined
      ? []
      : [
          route({
            method: 'GET',
            path: '/',
            operationId: 'dashboard',
            summary: 'The dashboard page (it asks for a token and reads the event stream)',
            role: 'public',
            answers: { 200: { description: 'HTML.', contentType: 'text/html; charset=utf-8' } },
            handle: () => ({ status: 200, text: dashboardPage(), contentType: 'text/html; charset=utf-8' }),
          }),
        ];
  return [
    ...dashboard,
    route({
      method: 'GET',
      path: '/health',
      operationId: 'health',
      summary: 'Liveness: 503 only when the engine will not trade again without a restart',
      role: 'public',
      answers: {
        200: { description: 'Starting, ok or degraded.', schema: healthAnswer },
        503: { description: 'Fatal (e.g. bad broker keys, lease lost).', schema: healthAnswer },
      },
      handle: () => {
        const health = control.health();
        return { status: health.status === 'fatal' ? 503 : 200, body: health };
      },
    }),
    route({
      method: 'GET',
      path: '/ready',
      operationId: 'ready',
      summary: 'Readiness to trade: feeds streaming, reconciled with the broker, lease held',
      role: 'public',
      answers: {
        200: { description: 'Ready.', schema: readyAnswer },
        503: { description: 'Not ready; `reasons` says why.', schema: readyAnswer },
      },
      handle: () => {
        const ready = control.ready();
        return { status: ready.ready ? 200 : 503, body: ready };
      },
    }),
    route({
      method: 'GET',
      path: '/openapi.json',
      operationId: 'openApi',
      summary: 'This document',
      role: 'public',
      answers: {
        200: { description: 'OpenAPI 3.1.', schema: z.looseObject({ openapi: z.literal('3.1.0') }) },
      },
      handle: () => ({ status: 200, body: options.openApi() }),
    }),
    route({
      method: 'GET',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      role: 'read',
      answers: {
        200: {
          description: 'Prometheus text exposition.',
          contentType: 'text/plain; version=0.0.4; charset=utf-8',
        },
      },
      handle: async () => ({
        status: 200,
        text: await options.metrics.metrics(),
        contentType: options.metrics.contentType,
      }),
    }),
    route({
      method: 'GET',
      path: '/status',
      operationId: 'status',
      summary: 'Positions, working orders, P&L and breaker in one answer (what the scheduled jobs read)',
      role: 'read',
      answers: { 200: { description: 'The summary.', schema: statusAnswer } },
      handle: () => ({ status: 200, body: control.status() }),
    }),
    route({
      method: 'GET',
      path: '/positions',
      operationId: 'positions',
      summary: 'Open positions, marked to the book',
      role: 'read',
      answers: { 200: { description: 'Open positions.', schema: positionsAnswer } },
      handle: () => ({ status: 200, body: control.positions() }),
    }),
    route({
      method: 'GET',
      path: '/orders',
      operationId: 'orders',
      summary: "Orders: working (default), closed, or all of the session's",
      role: 'read',
      query: z.strictObject({ status: z.enum(ORDER_LISTS).default('open') }),
      answers: { 200: { description: 'Orders, newest first.', schema: ordersAnswer } },
      handle: ({ query }) => ({ status: 200, body: control.orders(query.status) }),
    }),
    route({
      method: 'GET',
      path: '/fills',
      operationId: 'fills',
      summary: 'Recent fills',
      role: 'read',
      answers: { 200: { description: 'Most recent first.', schema: fillsAnswer } },
      handle: () => ({ status: 200, body: control.fills() }),
    }),
    route({
      method: 'GET',
      path: '/pnl',
      operationId: 'pnl',
      summary: "The session's P&L, exposure and intraday curve",
      role: 'read',
      answers: { 200: { description: 'P&L.', schema: pnlAnswer } },
      handle: () => ({ status: 200, body: control.pnl() }),
    }),
    route({
      method: 'GET',
      path: '/risk',
      operationId: 'risk',
      summary: 'Circuit breaker, reconciliation and each limit’s usage',
      role: 'read',
      answers: { 200: { description: 'Risk.', schema: riskAnswer } },
      handle: () => ({ status: 200, body: control.risk() }),
    }),
    route({
      method: 'GET',
      path: '/strategies',
      operationId: 'strategies',
      summary: 'Strategies and whether each is enabled',
      role: 'read',
      answers: { 200: { description: 'Strategies.', schema: strategiesAnswer } },
      handle: () => ({ status: 200, body: control.strategies() }),
    }),
    route({
      method: 'GET',
      path: '/events',
      operationId: 'events',
      summary:
        'Server-sent events: `state` (an EngineState, on connect and every second) and `fill` (each fill as it is booked)',
      role: 'read',
      answers: {
        200: {
          description: `text/event-stream; each event's data is JSON: state is ${Object.keys(engineStateEvent.shape).join(', ')}.`,
          contentType: 'text/event-stream',
        },
      },
      handle: () => ({
        status: 200,
        events: (send) => {
          send('state', control.state());
          const timer = setInterval(() => send('state', control.state()), STATE_EVERY_MS);
          const unsubscribe = control.onFill((fill) => send('fill', fill));
          return () => {
            clearInterval(timer);
            unsubscribe();
          };
        },
      }),
    }),
    route({
      method: 'POST',
      path: '/orders',
      operationId: 'placeOrder',
      summary: 'A manual order, through the same pre-trade risk checks as a strategy’s',
      role: 'operator',
      body: manualOrderRequest,
      idempotency: 'required',
      answers: {
        201: { description: 'The broker accepted the order.', schema: manualOrderAnswer },
        422: refusalAnswer('Risk refused the order, or the broker rejected it; `error` is the reason code.'),
      },
      handle: async ({ body, caller, idempotencyKey }) => {
        const result = await control.placeOrder(body, idempotencyKey!, by(caller, body));
        return result.ok ? { status: 201, body: { order: result.value } } : refused(result, 422);
      },
    }),
    route({
      method: 'DELETE',
      path: '/positions/{symbol}',
      operationId: 'closePosition',
      summary: 'Close one position: cancel its working orders, then flatten it',
      role: 'operator',
      params: z.strictObject({ symbol: symbolText }),
      body: actionRequest,
      idempotency: 'optional',
      answers: {
        202: {
          description: 'The close is under way; GET /positions shows it finish.',
          schema: closePositionAnswer,
        },
        404: refusalAnswer('No open position in that symbol.'),
      },
      handle: ({ params, body, caller }) =>
        answer(control.closePosition(params.symbol!, by(caller, body)), 202),
    }),
    route({
      method: 'POST',
      path: '/kill-switch',
      operationId: 'killSwitch',
      summary: 'Halt trading, cancel every working order and flatten every position',
      role: 'operator',
      body: actionRequest,
      idempotency: 'optional',
      answers: {
        200: {
          description: 'The breaker is halted; cancels and exits are under way.',
          schema: killSwitchAnswer,
        },
        409: refusalAnswer('The kill switch is already in force.'),
      },
      handle: ({ body, caller }) => answer(control.killSwitch(by(caller, body))),
    }),
    route({
      method: 'POST',
      path: '/circuit-breaker/reset',
      operationId: 'resetCircuitBreaker',
      summary: 'Reset a tripped circuit breaker: trading resumes',
      role: 'admin',
      body: actionRequest,
      idempotency: 'optional',
      answers: {
        200: { description: 'The breaker after the reset.', schema: breakerResetAnswer },
        409: refusalAnswer('The breaker is not tripped.'),
      },
      handle: ({ body, caller }) => answer(control.resetCircuitBreaker(by(caller, body))),
    }),
    strategyToggle(true),
    strategyToggle(false),
  ];
}

type RouteDefinitionCaller = Parameters<RouteDefinition['handle']>[0]['caller'];
