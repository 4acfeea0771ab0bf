/**
 * Which engine `ctl` talks to, with which token, and who acts. In order: the --url (or --profile)
 * flag; else TRADING_API_URL (or TRADING_PROFILE); else the local stack `npm start` runs, whose
 * endpoints file holds a token per role (the command's role picks one). --token or
 * TRADING_API_TOKEN overrides the token of any of them; otherwise a token goes only to the engine
 * it belongs to. No message here ever quotes a token.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { localEndpointsFile, readLocalEndpoints } from '../local/local-endpoints.ts';
import type { ApiRole } from '../shared/api/api-roles.ts';
import { TOKEN_RULE, USABLE_TOKEN } from '../shared/api/api-tokens.ts';
import { actionRequest } from '../shared/api/engine-api-schemas.ts';
import { UsageError } from './errors.ts';

export const CONNECTION_VARIABLES = {
  url: 'TRADING_API_URL',
  token: 'TRADING_API_TOKEN',
  profile: 'TRADING_PROFILE',
  profilesFile: 'TRADING_PROFILES_FILE',
} as const;

/** Where `npm start` (run in the repository) writes its endpoints file. */
export const LOCAL_ENDPOINTS_FILE = localEndpointsFile('.data/dynamo');

const operatorName = actionRequest.shape.operator;

const profileSchema = z
  .strictObject({
    url: z.url(),
    /** Prefer tokenEnv: a token in the file is as safe as the file's permissions. */
    token: z.string().regex(USABLE_TOKEN, TOKEN_RULE).optional(),
    tokenEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .optional(),
    operator: operatorName.optional(),
  })
  .refine((profile) => profile.token === undefined || profile.tokenEnv === undefined, {
    message: 'give token or tokenEnv, not both',
    path: ['tokenEnv'],
  });
const profilesFileSchema = z.strictObject({ profiles: z.record(z.string(), profileSchema) });
export type Profile = z.infer<typeof profileSchema>;

export interface ConnectionFlags {
  readonly url?: string | undefined;
  readonly token?: string | undefined;
  readonly profile?: string | undefined;
}

export interface Connection {
  readonly url: string;
  readonly token: string | undefined;
  /** Where the URL came from, for messages: `--url`, `profile prod`, `the local stack`… */
  readonly source: string;
  /** The profile's operator, the default for --operator. */
  readonly operator: string | undefined;
}

export interface ConnectionContext {
  readonly env: NodeJS.ProcessEnv;
  /** Default: LOCAL_ENDPOINTS_FILE. */
  readonly endpointsFile?: string;
}

export function profilesFile(env: NodeJS.ProcessEnv): string {
  return nonEmpty(env[CONNECTION_VARIABLES.profilesFile]) ?? join(homedir(), '.config/trading/profiles.json');
}

/** The profile NAME from the profiles file; every problem names the file and the field. */
export function readProfile(name: string, env: NodeJS.ProcessEnv): Profile {
  const file = profilesFile(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `profile ${JSON.stringify(name)}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'read error'})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not JSON`);
  }
  const parsed = profilesFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'file'}: ${issue.message}`,
    );
    throw new UsageError(`${file} is invalid: ${problems.join('; ')}`);
  }
  const profile = parsed.data.profiles[name];
  if (profile === undefined)
    throw new UsageError(
      `${file} has no profile ${JSON.stringify(name)} (it has: ${Object.keys(parsed.data.profiles).join(', ') || 'none'})`,
    );
  return profile;
}

/** The engine named by a flag, the environment or a profile; undefined when none names one. */
export function resolveNamedConnection(
  flags: ConnectionFlags,
  context: ConnectionContext,
): Connection | undefined {
  const { env } = context;
  const named = namedEngine(flags, env);
  if (named === undefined) return undefined;
  const explicit = explicitToken(flags, env);
  return { ...named, token: explicit ?? named.token };
}

/** The engine to talk to for a command needing `role`: a named one, else the running local stack's. */
export function resolveConnection(
  flags: ConnectionFlags,
  role: ApiRole,
  context: ConnectionContext,
): Connection {
  const named = resolveNamedConnection(flags, context);
  if (named !== undefined) return named;
  const file = context.endpointsFile ?? LOCAL_ENDPOINTS_FILE;
  let local: ReturnType<typeof readLocalEndpoints>;
  try {
    local = readLocalEndpoints(file);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (local === undefined)
    throw new UsageError(
      `no engine to talk to: pass --url or --profile, set ${CONNECTION_VARIABLES.url}, or start the local stack (npm start; ${file} is absent)`,
    );
  return {
    url: local.engineApi,
    token: explicitToken(flags, context.env) ?? local.apiTokens?.[role],
    source: `the local stack (${file})`,
    operator: undefined,
  };
}

/** Who acts, for the audit log: --operator, else the profile's operator, else $USER; checked by the API's rule. */
export function resolveOperator(
  flag: string | undefined,
  connection: Pick<Connection, 'operator'>,
  env: NodeJS.ProcessEnv,
): string {
  const operator = flag ?? connection.operator ?? nonEmpty(env.USER);
  if (operator === undefined)
    throw new UsageError('say who acts: --operator NAME (no profile operator, no $USER)');
  const checked = operatorName.safeParse(operator);
  if (!checked.success)
    throw new UsageError(
      `operator ${JSON.stringify(operator)} ${checked.error.issues[0]!.message}${flag === undefined ? '; pass --operator NAME' : ''}`,
    );
  return operator;
}

function namedEngine(flags: ConnectionFlags, env: NodeJS.ProcessEnv): Connection | undefined {
  if (flags.url !== undefined) return byUrl(flags.url, '--url');
  if (flags.profile !== undefined) return byProfile(flags.profile, env);
  const url = nonEmpty(env[CONNECTION_VARIABLES.url]);
  if (url !== undefined) return byUrl(url, CONNECTION_VARIABLES.url);
  const profile = nonEmpty(env[CONNECTION_VARIABLES.profile]);
  if (profile !== undefined) return byProfile(profile, env);
  return undefined;
}

function byUrl(url: string, source: string): Connection {
  if (!URL.canParse(url)) throw new UsageError(`${source} ${JSON.stringify(url)} is not a URL`);
  return { url, token: undefined, source, operator: undefined };
}

function byProfile(name: string, env: NodeJS.ProcessEnv): Connection {
  const profile = readProfile(name, env);
  let token = profile.token;
  if (profile.tokenEnv !== undefined) {
    const fromEnv = nonEmpty(env[profile.tokenEnv]);
    if (fromEnv === undefined)
      throw new UsageError(`profile ${JSON.stringify(name)}: tokenEnv ${profile.tokenEnv} is not set`);
    token = usableToken(fromEnv, `${profile.tokenEnv} (profile ${name})`);
  }
  return { url: profile.url, token, source: `profile ${name}`, operator: profile.operator };
}

function explicitToken(flags: ConnectionFlags, env: NodeJS.ProcessEnv): string | undefined {
  if (flags.token !== undefined) return usableToken(flags.token, '--token');
  const fromEnv = nonEmpty(env[CONNECTION_VARIABLES.token]);
  return fromEnv === undefined ? undefined : usableToken(fromEnv, CONNECTION_VARIABLES.token);
}

function usableToken(token: string, source: string): string {
  if (!USABLE_TOKEN.test(token))
    throw new UsageError(`the token from ${source} is not usable (${TOKEN_RULE})`);
  return token;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
