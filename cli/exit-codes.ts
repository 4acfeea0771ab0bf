/**
 * What `ctl`'s exit code means, so a script can tell "the engine said no" from "I asked wrongly",
 * "I may not", "nobody answered" and "it is not ready". The help and docs/cli.md print this table.
 */
import type { EngineApiError } from '../shared/api/engine-api-client.ts';

export const EXIT_CODES = {
  ok: 0,
  /** The engine refused (404, 409, 422: e.g. risk refused the order), a job found problems, or a kill was not confirmed. */
  refused: 1,
  /** Bad flags or arguments, a bad profile, or no engine to talk to. */
  usage: 2,
  /** The token is missing, wrong (401) or its role may not do this (403). */
  auth: 3,
  /** The engine did not answer, timed out, failed (5xx), limited the rate (429) or answered something malformed; a job could not finish. */
  unavailable: 4,
  /** The engine answered but is not ready to trade (`status`, `ready`). */
  notReady: 5,
} as const;
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

export const EXIT_CODE_HELP = `exit codes:
  0  ok
  1  refused: the engine said no (404/409/422, e.g. risk refused the order), a job found problems,
     or the kill switch was not confirmed
  2  usage: bad flags or arguments, a bad profile, or no engine configured or running
  3  auth: token missing or wrong (401), or its role may not do this (403)
  4  unavailable: engine unreachable, timeout, 429, 5xx or a malformed answer; a job could not finish
  5  not ready: the engine answered but is not ready to trade (status, ready)`;

export function exitCodeOf(error: EngineApiError): ExitCode {
  const { status } = error;
  if (status === 401 || status === 403) return EXIT_CODES.auth;
  // The request broke the contract: the CLI checks what it sends, so this is a flag the engine reads more strictly.
  if (status === 400) return EXIT_CODES.usage;
  if (status !== null && status >= 400 && status < 500 && status !== 429) return EXIT_CODES.refused;
  // No answer, 429, 5xx, or an expected status with a body that breaks the contract.
  return EXIT_CODES.unavailable;
}
