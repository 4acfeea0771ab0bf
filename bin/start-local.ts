/**
 * npm start [-- --config FILE]: the local stack. Three processes, as in production: the
 * simulator (the venue), the local AWS stand-ins (DynamoDB API, the cancel-on-disconnect
 * watchdog, and with a `signals` config the SQS API and the signal function) and the engine. Separate processes because a venue or a watchdog that died with the
 * engine would prove nothing. Ctrl-C stops the engine first, then the rest.
 */
import { parseArgs } from 'node:util';
import { ChildProcesses } from '../local/child-processes.ts';
import { launchLocalStack, withApiTokens } from '../local/launch-local-stack.ts';
import { localEndpointsFile, removeLocalEndpoints, writeLocalEndpoints } from '../local/local-endpoints.ts';
import {
  type OutputMode,
  outputMode,
  processLineFormatter,
  startBannerText,
} from '../local/process-output.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../shared/broker/simulator-credentials.ts';
import { loadConfigOrReport } from '../shared/config/load-config.ts';

const USAGE = 'usage: npm start [-- --config FILE] [--risk FILE] [--data FOLDER] [--json | --pretty]';
const NAME_WIDTH = 'local stack'.length;

let mode: OutputMode = 'json';
const children = new ChildProcesses((name) => {
  const format = processLineFormatter(name, mode, {
    colorize: process.stdout.isTTY === true,
    width: NAME_WIDTH,
  });
  return (line) => process.stdout.write(format(line));
});

async function main(): Promise<number> {
  let values: { config?: string; risk?: string; data?: string; json?: boolean; pretty?: boolean };
  try {
    values = parseArgs({
      options: {
        config: { type: 'string' },
        risk: { type: 'string' },
        data: { type: 'string' },
        json: { type: 'boolean' },
        pretty: { type: 'boolean' },
      },
    }).values;
    if (values.json && values.pretty) throw new Error('--json and --pretty cannot both be given');
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  mode = outputMode(values, process.stdout.isTTY === true);
  const configFile = values.config ?? 'config/system.json';
  const config = loadConfigOrReport({
    systemFile: configFile,
    ...(values.risk ? { riskFile: values.risk } : {}),
  });
  if (config === null) return 1;
  const { system } = config;

  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

  const { env, generatedTokens, apiTokens } = withApiTokens(process.env);
  const dataPath = values.data ?? '.data/dynamo';
  const endpointsFile = localEndpointsFile(dataPath);
  try {
    const { tradingUrl, dynamoEndpoint, sqsEndpoint, engineApi } = await launchLocalStack(children, {
      system,
      configFile,
      ...(values.risk === undefined ? {} : { riskFile: values.risk }),
      dataPath,
      env,
    });
    // For `npm run job` and `npm run restore`, and the local stack's scheduled jobs.
    writeLocalEndpoints(endpointsFile, {
      pid: process.pid,
      ...(tradingUrl === undefined ? {} : { tradingUrl }),
      dynamoEndpoint,
      ...(sqsEndpoint === undefined ? {} : { sqsEndpoint }),
      engineApi,
      apiTokens,
    });
    if (mode === 'pretty')
      process.stdout.write(
        startBannerText({
          engineApi,
          ...(generatedTokens.operator === undefined ? {} : { operatorToken: generatedTokens.operator }),
          ...(tradingUrl === undefined
            ? {}
            : {
                simulator: {
                  url: tradingUrl,
                  keyId: DEFAULT_SIM_KEY_ID,
                  secretKey: DEFAULT_SIM_SECRET_KEY,
                },
              }),
          dataFolder: dataPath,
          endpointsFile,
          configFile,
        }),
      );
  } catch (error) {
    console.error(`local stack failed to start: ${error instanceof Error ? error.message : String(error)}`);
    await children.stopAll();
    removeLocalEndpoints(endpointsFile, process.pid);
    return 1;
  }

  const outcome = await Promise.race([stopped.then((signal) => ({ signal })), children.firstExit()]);
  await children.stopAll();
  removeLocalEndpoints(endpointsFile, process.pid);
  if ('signal' in outcome) return 0;
  console.error(`${outcome.child.name} exited with code ${outcome.code}; stopping the local stack`);
  return 1;
}

process.exitCode = await main();
