/**
 * The container's health check: node engine/healthcheck.ts
 * Exits 0 when GET ENGINE_HEALTH_URL (default http://127.0.0.1:8080/health) answers 200 within
 * a few seconds, else 1 with one line on stderr saying why.
 *
 * A liveness check: /health answers 200 while the engine is starting, ok or degraded, and 503
 * only when it is fatal (it will not trade again without a restart). Degraded covers a standby
 * engine waiting for another's lease, a stale feed while the market is closed and a stream that
 * is reconnecting; a restart would cure none of those and would throw away a standby engine, so
 * they pass. Readiness to trade is for alarms on /health's body and the metrics, not for this.
 *
 * It imports nothing of the engine, so the check costs one small Node start.
 */

const DEFAULT_URL = 'http://127.0.0.1:8080/health';
// Under the image's HEALTHCHECK --timeout (5 s): a hung engine is reported with this reason
// instead of the runtime killing the check without one.
const TIMEOUT_MS = 3_000;
const MAX_DETAIL_CHARS = 200;

type Target = { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly problem: string };

function healthUrl(env: NodeJS.ProcessEnv): Target {
  const text = env.ENGINE_HEALTH_URL;
  if (text === undefined) return { ok: true, url: new URL(DEFAULT_URL) };
  if (text.trim() === '') {
    return { ok: false, problem: `ENGINE_HEALTH_URL is set but empty; unset it for ${DEFAULT_URL}` };
  }
  if (!URL.canParse(text))
    return { ok: false, problem: `ENGINE_HEALTH_URL is not a URL: ${JSON.stringify(text)}` };
  const url = new URL(text);
  if (url.protocol !== 'http:') {
    return {
      ok: false,
      problem: `ENGINE_HEALTH_URL must be http:// (the engine's API is plain HTTP), not ${url.protocol}//`,
    };
  }
  return { ok: true, url };
}

/** null when healthy, else the reason. */
async function check(url: URL): Promise<string | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual' });
    const body = await response.text();
    if (response.status === 200) return null;
    const detail = body.replace(/\s+/g, ' ').slice(0, MAX_DETAIL_CHARS);
    return `GET ${url} answered ${response.status}: ${detail}`;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      return `GET ${url} did not answer within ${TIMEOUT_MS} ms`;
    }
    // fetch reports every network failure as "fetch failed"; the cause says which one.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    return `GET ${url} failed: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
}

async function main(): Promise<number> {
  const target = healthUrl(process.env);
  if (!target.ok) {
    console.error(target.problem);
    return 1;
  }
  const problem = await check(target.url);
  if (problem === null) return 0;
  console.error(problem);
  return 1;
}

process.exitCode = await main();
