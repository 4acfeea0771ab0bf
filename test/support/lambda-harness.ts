/**
 * What a Lambda handler test needs around the handler: a Lambda context, and the JSON lines the
 * Powertools logger and metrics (EMF) print while it runs, with the metric values picked out.
 */
import { vi } from 'vitest';

export function lambdaContext(functionName: string, awsRequestId = 'req-1') {
  return {
    awsRequestId,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 60_000,
  };
}

/** Every JSON line printed (stdout and stderr) while `act` runs, and what `act` returned. */
export async function captureOutput<T>(
  act: () => Promise<T>,
): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const chunks: string[] = [];
  const collect = (chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(collect),
    vi.spyOn(process.stderr, 'write').mockImplementation(collect),
  ];
  let result: T;
  try {
    result = await act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  const lines = chunks
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { result, lines };
}

/** The value of each metric in the EMF lines (the last one printed wins). */
export function emfMetrics(lines: readonly Record<string, unknown>[]): Record<string, number> {
  const values: Record<string, number> = {};
  for (const line of lines) {
    const aws = line._aws as { CloudWatchMetrics?: { Metrics: { Name: string }[] }[] } | undefined;
    for (const directive of aws?.CloudWatchMetrics ?? []) {
      for (const { Name } of directive.Metrics) values[Name] = line[Name] as number;
    }
  }
  return values;
}
