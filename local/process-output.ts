/**
 * How `npm start` shows its three processes' output. For a person at a terminal: each JSON log
 * line pretty-printed (pino-pretty: time, level, message, then the fields) and every line prefixed
 * with the process's name, so three interleaved logs stay readable. For machines (`--json`, or
 * stdout not a terminal): the raw JSON lines, unchanged, one per line.
 */
import { prettyFactory } from 'pino-pretty';

export type OutputMode = 'pretty' | 'json';

/** `--json` and `--pretty` decide; otherwise a terminal gets pretty lines and a pipe gets JSON. */
export function outputMode(
  flags: { readonly json?: boolean; readonly pretty?: boolean },
  isTty: boolean,
): OutputMode {
  if (flags.json) return 'json';
  if (flags.pretty) return 'pretty';
  return isTty ? 'pretty' : 'json';
}

/** The text to write for one line a child printed (with its trailing newline). */
export function processLineFormatter(
  name: string,
  mode: OutputMode,
  options: { readonly colorize: boolean; readonly width: number },
): (line: string) => string {
  if (mode === 'json') return (line) => `${line}\n`;
  const pretty = prettyFactory({
    colorize: options.colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name',
    singleLine: false,
  });
  const prefix = `${name.padEnd(options.width)} │ `;
  return (line) => {
    // A log line is a JSON object; anything else (the simulator's port=…) is shown as it is.
    const text = line.startsWith('{') ? pretty(line).trimEnd() : line;
    return `${text
      .split('\n')
      .map((part) => prefix + part)
      .join('\n')}\n`;
  };
}

export interface StartBanner {
  readonly engineApi: string;
  /** The operator token `npm start` generated for this run (never one set in the environment). */
  readonly operatorToken?: string;
  readonly simulator?: { readonly url: string; readonly keyId: string; readonly secretKey: string };
  readonly dataFolder: string;
  readonly endpointsFile: string;
  readonly configFile: string;
}

/** What a person needs first: where things are. */
export function startBannerText(banner: StartBanner): string {
  const rows: [string, string][] = [
    ['dashboard', `${banner.engineApi}/`],
    ['engine API', `${banner.engineApi}   (OpenAPI: /openapi.json; npm run ctl -- status)`],
    [
      'API tokens',
      banner.operatorToken === undefined
        ? `from the environment; all three in ${banner.endpointsFile}`
        : `operator ${banner.operatorToken}   (this run only; all three in ${banner.endpointsFile})`,
    ],
    ...(banner.simulator === undefined
      ? []
      : ([
          [
            'simulator',
            `${banner.simulator.url}   keys ${banner.simulator.keyId} / ${banner.simulator.secretKey}`,
          ],
        ] as [string, string][])),
    ['config', banner.configFile],
    ['data', `${banner.dataFolder}   (endpoints for npm run job: ${banner.endpointsFile})`],
    ['stop', 'Ctrl-C'],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return `\nlocal stack ready\n${rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n')}\n\n`;
}
