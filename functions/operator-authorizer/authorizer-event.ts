/**
 * The parts of an API Gateway HTTP API authorizer event (payload format 2.0) the decision needs.
 * Anything else in the event is ignored; an event without them is a value saying what is wrong,
 * with field paths and rules only, because the event carries the Authorization header.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

export interface OperatorRequest {
  readonly method: string;
  readonly path: string;
  readonly sourceIp: string;
  /** The Authorization header as sent; API Gateway lower-cases header names in format 2.0. */
  readonly authorization: string | undefined;
}

export type AuthorizerEventRead =
  | { readonly ok: true; readonly request: OperatorRequest }
  | { readonly ok: false; readonly problem: string };

const authorizerEventSchema = z.object({
  version: z.literal('2.0'),
  type: z.literal('REQUEST'),
  headers: z.record(z.string(), z.string()).optional(),
  requestContext: z.object({
    http: z.object({
      method: z.string().min(1),
      path: z.string().min(1),
      sourceIp: z.string().refine((ip) => isIP(ip) !== 0, 'must be an IPv4 or IPv6 address'),
    }),
  }),
});

export function readAuthorizerEvent(input: unknown): AuthorizerEventRead {
  const parsed = authorizerEventSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.length === 0 ? '(event)' : issue.path.join('.')}: ${issue.message}`,
    );
    return { ok: false, problem: problems.join('; ') };
  }
  const { http } = parsed.data.requestContext;
  return {
    ok: true,
    request: {
      method: http.method,
      path: http.path,
      sourceIp: http.sourceIp,
      authorization: parsed.data.headers?.authorization,
    },
  };
}
