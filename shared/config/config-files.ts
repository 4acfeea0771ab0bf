/**
 * Which system and risk files a process reads. The command line wins; a container cannot take
 * flags without overriding the image's command, so its task definition names the files with
 * TRADING_CONFIG_FILE and TRADING_RISK_FILE instead. Without either, config/system.json and the
 * risk file beside the system file (load-config's default).
 */

export const DEFAULT_SYSTEM_FILE = 'config/system.json';

export interface ConfigFileFlags {
  readonly config?: string | undefined;
  readonly risk?: string | undefined;
}

export interface ConfigFiles {
  readonly systemFile: string;
  /** Absent: risk_limits.toml beside the system file. */
  readonly riskFile?: string;
}

export type ConfigFilesResult =
  | { readonly ok: true; readonly files: ConfigFiles }
  | { readonly ok: false; readonly problems: readonly string[] };

const SOURCES = [
  { flag: 'config', variable: 'TRADING_CONFIG_FILE' },
  { flag: 'risk', variable: 'TRADING_RISK_FILE' },
] as const;

export function chooseConfigFiles(flags: ConfigFileFlags, env: NodeJS.ProcessEnv): ConfigFilesResult {
  const problems: string[] = [];
  const chosen: Partial<Record<'config' | 'risk', string>> = {};
  for (const { flag, variable } of SOURCES) {
    const fromFlag = flags[flag];
    const fromEnv = env[variable];
    // An empty value is a mistake in a task definition or a shell, never a wish for the default.
    if (fromFlag !== undefined) {
      if (fromFlag.trim() === '') problems.push(`--${flag} is empty; name a file`);
      else chosen[flag] = fromFlag;
    } else if (fromEnv !== undefined) {
      if (fromEnv.trim() === '') problems.push(`${variable} is set but empty; name a file or unset it`);
      else chosen[flag] = fromEnv;
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    files: {
      systemFile: chosen.config ?? DEFAULT_SYSTEM_FILE,
      ...(chosen.risk === undefined ? {} : { riskFile: chosen.risk }),
    },
  };
}
