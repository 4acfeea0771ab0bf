/**
 * The OpenAPI 3.1 document of the engine's API, generated from the route definitions and their zod
 * schemas, so it cannot drift from what the server does: served at GET /openapi.json, and kept in
 * docs/api/openapi.json (a test fails when the two differ).
 */
import { z } from 'zod';
import { errorAnswer } from '../../shared/api/engine-api-schemas.ts';
import type { AnswerSpec, RouteDefinition } from './api-route.ts';

const COMMON_ANSWERS: Readonly<Record<number, string>> = {
  400: 'The request is invalid: `issues` names each field and the rule it breaks.',
  401: 'No bearer token, or one this engine does not know.',
  403: "The token's role may not use this route.",
  413: 'The body is over 16 KiB.',
  415: 'The body is not application/json.',
  429: 'Too many requests from this token: wait `Retry-After` seconds.',
  500: 'The engine could not complete the request (details are in its log, never in the answer).',
};

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'throw',
  }) as JsonSchema;
  return rest;
}

function content(spec: AnswerSpec) {
  if (spec.schema !== undefined) return { 'application/json': { schema: schemaOf(spec.schema, 'output') } };
  return { [spec.contentType ?? 'text/plain']: { schema: { type: 'string' } } };
}

function operation(route: RouteDefinition) {
  const answers: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(route.answers))
    answers[status] = { description: spec.description, content: content(spec) };
  const common = (status: number): void => {
    answers[status] ??= {
      description: COMMON_ANSWERS[status],
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  };
  common(500);
  if (
    route.body !== undefined ||
    route.query !== undefined ||
    route.params !== undefined ||
    route.idempotency
  )
    common(400);
  if (route.body !== undefined) {
    common(413);
    common(415);
  }
  if (route.role !== 'public') {
    common(401);
    if (route.role !== 'read') common(403);
    common(429);
  }
  const parameters: unknown[] = [];
  const addParameters = (where: 'path' | 'query', schema: z.ZodObject | undefined) => {
    if (schema === undefined) return;
    const json = schemaOf(schema, 'input') as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(json.properties ?? {}))
      parameters.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: property,
      });
  };
  addParameters('path', route.params);
  addParameters('query', route.query);
  if (route.idempotency !== undefined)
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: route.idempotency === 'required',
      description:
        'Retries with the same key get the first answer (header Idempotent-Replayed: true) and act once.',
      schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,128}$' },
    });
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.role === 'public'
      ? { security: [] }
      : { description: `Needs a token with the ${route.role} role (or a higher one).` }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
          },
        }),
    responses: answers,
  };
}

export function openApiDocument(routes: readonly RouteDefinition[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Trading engine API',
      version: '1',
      description:
        'Reads and actions on a running engine. Bearer tokens have a role: read, operator (actions) or admin (also the circuit-breaker reset).',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: schemaOf(errorAnswer, 'output') },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
