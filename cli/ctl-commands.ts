/**
 * What each `ctl` command does: the call it makes (or the job it runs), what it prints for a
 * person, what it prints for a script (`--json`: the API's answer as the contract reads it) and
 * its exit code. Values are checked against the API's own schemas before anything is sent.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { opsJobNowSummary, opsJobNowText, runOpsJobNow } from '../local/run-ops-job-now.ts';
import type { ApiRole } from '../shared/api/api-roles.ts';
import { EngineApiClient } from '../shared/api/engine-api-client.ts';
import {
  type ActionRequest,
  actionRequest,
  manualOrderRequest,
  symbolText,
} from '../shared/api/engine-api-schemas.ts';
import { checkConfigFiles } from '../shared/config/config-check.ts';
import type { OpsJob, OpsOutcome } from '../shared/ops/ops-report.ts';
import type { CtlInvocation } from './ctl-arguments.ts';
import type { CommandName } from './ctl-commands-table.ts';
import {
  type Connection,
  resolveConnection,
  resolveNamedConnection,
  resolveOperator,
} from './ctl-connection.ts';
import {
  breakerResetText,
  closeText,
  killText,
  ordersText,
  placedOrderText,
  pnlText,
  positionsText,
  readyText,
  statusText,
  strategiesText,
} from './ctl-output.ts';
import { CtlError, UsageError } from './errors.ts';
import { EXIT_CODES, type ExitCode } from './exit-codes.ts';

export interface CommandContext {
  readonly invocation: CtlInvocation;
  readonly env: NodeJS.ProcessEnv;
  /** The local stack's endpoints file; default .data/local-endpoints.json. */
  readonly endpointsFile?: string;
  /** Asks the person at the terminal; undefined when there is none (a script answers with --yes or not at all). */
  readonly confirm: ((question: string) => Promise<boolean>) | undefined;
}

export interface CommandOutcome {
  readonly exitCode: ExitCode;
  /** What --json prints. */
  readonly json: unknown;
  /** What a person reads on stdout. */
  readonly text: string;
  /** One line for stderr, whichever the output: why the exit code is not 0. */
  readonly problem?: string;
}

type Run = (context: CommandContext) => Promise<CommandOutcome>;

const ok = (json: unknown, text: string): CommandOutcome => ({ exitCode: EXIT_CODES.ok, json, text });

/** The flag or argument each field of a request comes from, so a broken rule names what to fix. */
const FIELD_SOURCES: Readonly<Record<string, string>> = {
  symbol: 'SYMBOL',
  qty: 'QTY',
  limitPrice: '--limit',
  timeInForce: '--tif',
  operator: '--operator',
  reason: '--reason',
};

function checked<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? '');
    return `${FIELD_SOURCES[field] ?? (field || 'request')}: ${issue.message}`;
  });
  throw new UsageError(problems.join('; '));
}

interface Engine {
  readonly client: EngineApiClient;
  readonly connection: Connection;
}

function engine(context: CommandContext, role: ApiRole): Engine {
  const { flags } = context.invocation;
  const connection = resolveConnection(flags, role, {
    env: context.env,
    ...(context.endpointsFile === undefined ? {} : { endpointsFile: context.endpointsFile }),
  });
  return { client: new EngineApiClient({ baseUrl: connection.url, token: connection.token }), connection };
}

/** The engine, and who acts and why, checked by the API's rule before anything is sent. */
function action(context: CommandContext, role: ApiRole): Engine & { readonly by: ActionRequest } {
  const resolved = engine(context, role);
  const { flags } = context.invocation;
  const operator = resolveOperator(flags.operator, resolved.connection, context.env);
  return { ...resolved, by: checked(actionRequest, { operator, reason: flags.reason }) };
}

function order(side: 'buy' | 'sell'): Run {
  return async (context) => {
    const { client, by } = action(context, 'operator');
    const { args, flags } = context.invocation;
    const body = checked(manualOrderRequest, {
      symbol: args.SYMBOL!.toUpperCase(),
      side,
      qty: args.QTY,
      type: flags.limit === undefined ? 'market' : 'limit',
      ...(flags.limit === undefined ? {} : { limitPrice: flags.limit }),
      ...(flags.tif === undefined ? {} : { timeInForce: flags.tif }),
      ...by,
    });
    // A fresh key per command: a retry inside the client acts once; running the command again is a new order.
    const answer = await client.placeOrder(body, randomUUID());
    return ok(answer, placedOrderText(answer.order));
  };
}

function strategyToggle(enabled: boolean): Run {
  return async (context) => {
    const { client, by } = action(context, 'operator');
    const answer = await client.setStrategyEnabled(context.invocation.args.ID!, enabled, by);
    return ok(answer, strategiesText([answer.strategy]));
  };
}

const JOB_EXIT: Readonly<Record<OpsOutcome, ExitCode>> = {
  ok: EXIT_CODES.ok,
  skipped: EXIT_CODES.ok,
  problems: EXIT_CODES.refused,
  failed: EXIT_CODES.unavailable,
};

function job(name: OpsJob, usesEngine: boolean): Run {
  return async (context) => {
    const { flags } = context.invocation;
    // A named engine (flag, environment, profile) is the job's; otherwise the job finds the local stack's itself.
    const named = usesEngine ? resolveNamedConnection(flags, { env: context.env }) : undefined;
    const run = await runOpsJobNow({
      job: name,
      configFile: flags.config ?? 'config/system.json',
      ...(flags.risk === undefined ? {} : { riskFile: flags.risk }),
      dataFolder: flags.data ?? '.data/dynamo',
      feesFile: 'config/fees.toml',
      ...(named === undefined ? {} : { engine: { url: named.url, token: named.token } }),
      env: context.env,
    });
    if (!run.ok) throw new UsageError(run.problem);
    const exitCode = JOB_EXIT[run.report.outcome];
    return {
      exitCode,
      json: opsJobNowSummary(run),
      text: opsJobNowText(run),
      ...(exitCode === EXIT_CODES.ok
        ? {}
        : { problem: `${name}: ${run.report.outcome}: ${run.report.summary}` }),
    };
  };
}

export const RUNS: Readonly<Record<CommandName, Run>> = {
  status: async (context) => {
    const { client } = engine(context, 'read');
    const [status, ready] = await Promise.all([client.status(), client.ready()]);
    return {
      exitCode: ready.ready ? EXIT_CODES.ok : EXIT_CODES.notReady,
      json: status,
      text: statusText(status),
      ...(ready.ready ? {} : { problem: `not ready: ${ready.reasons.join('; ')}` }),
    };
  },
  ready: async (context) => {
    const answer = await engine(context, 'read').client.ready();
    return {
      exitCode: answer.ready ? EXIT_CODES.ok : EXIT_CODES.notReady,
      json: answer,
      text: readyText(answer),
    };
  },
  positions: async (context) => {
    const answer = await engine(context, 'read').client.positions();
    return ok(answer, positionsText(answer));
  },
  orders: async (context) => {
    const { flags } = context.invocation;
    const list = flags.all ? 'all' : flags.closed ? 'closed' : 'open';
    const answer = await engine(context, 'read').client.orders(list);
    return ok(answer, ordersText(answer, list));
  },
  pnl: async (context) => {
    const answer = await engine(context, 'read').client.pnl();
    return ok(answer, pnlText(answer));
  },
  strategies: async (context) => {
    const answer = await engine(context, 'read').client.strategies();
    return ok(answer, strategiesText(answer.strategies));
  },
  'strategies enable': strategyToggle(true),
  'strategies disable': strategyToggle(false),
  buy: order('buy'),
  sell: order('sell'),
  close: async (context) => {
    const { client, by } = action(context, 'operator');
    const { symbol } = checked(z.object({ symbol: symbolText }), {
      symbol: context.invocation.args.SYMBOL!.toUpperCase(),
    });
    const answer = await client.closePosition(symbol, by);
    return ok(answer, closeText(answer));
  },
  kill: async (context) => {
    const { client, by, connection } = action(context, 'operator');
    if (!context.invocation.flags.yes && context.confirm !== undefined) {
      const confirmed = await context.confirm(
        `Halt trading, cancel every working order and flatten every position on ${connection.url}?`,
      );
      if (!confirmed) throw new CtlError('kill switch not confirmed; nothing was sent', EXIT_CODES.refused);
    }
    const answer = await client.killSwitch(by);
    return ok(answer, killText(answer));
  },
  'reset-breaker': async (context) => {
    const { client, by } = action(context, 'admin');
    const answer = await client.resetCircuitBreaker(by);
    return ok(answer, breakerResetText(answer));
  },
  reconcile: job('reconcile', true),
  backup: job('backup', false),
  'validate-config': async (context) => {
    const { args, flags } = context.invocation;
    const check = checkConfigFiles({
      systemFile: args.FILE!,
      ...(args.RISK_FILE === undefined ? {} : { riskFile: args.RISK_FILE }),
      env: flags['ignore-env'] ? {} : context.env,
    });
    const json = { valid: check.ok, issues: check.issues };
    return check.ok
      ? ok(json, check.lines.join('\n'))
      : { exitCode: EXIT_CODES.refused, json, text: '', problem: check.lines.join('\n') };
  },
};
