/**
 * Where `--aws` sends a sweep: the state machine and bucket from the flags or, failing them, from
 * TRADING_SWEEP_STATE_MACHINE_ARN and TRADING_SWEEP_BUCKET (the stack's SweepStateMachineArn and
 * SweepBucketName outputs); the region from AWS_REGION. Endpoint overrides the AWS SDK honours
 * (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SFN, AWS_ENDPOINT_URL) must be https, or http to loopback
 * (a local stand-in). Every problem is reported at once, as a usage error.
 */
import { isLoopbackHost } from '../../shared/config/consistency-rules.ts';
import { type AwsSweepFlags, UsageError } from './backtest-args.ts';

export interface AwsSweepTarget {
  readonly stateMachineArn: string;
  readonly bucket: string;
  readonly region: string;
  /** Endpoint overrides; absent means AWS's endpoints for the region. */
  readonly s3Endpoint?: string;
  readonly sfnEndpoint?: string;
}

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
/** S3's rules for a bucket name (lowercase letters, digits, dots and hyphens, 3 to 63). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function checkedEndpoint(variable: string, env: NodeJS.ProcessEnv, problems: string[]): string | undefined {
  const value = env[variable];
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`${variable} ${JSON.stringify(value)} is not a URL`);
    return undefined;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    problems.push(`${variable} ${url.origin} must be https (plain http only to a loopback address)`);
    return undefined;
  }
  return value;
}

export function awsSweepTarget(flags: AwsSweepFlags, env: NodeJS.ProcessEnv): AwsSweepTarget {
  const problems: string[] = [];
  const stateMachineArn = flags.stateMachineArn ?? env.TRADING_SWEEP_STATE_MACHINE_ARN ?? '';
  const bucket = flags.bucket ?? env.TRADING_SWEEP_BUCKET ?? '';
  const region = env.AWS_REGION ?? '';
  const arnRegion = STATE_MACHINE_ARN.exec(stateMachineArn)?.[1];
  if (stateMachineArn === '') {
    problems.push(
      '--aws needs the sweep state machine: --sweep-state-machine ARN or TRADING_SWEEP_STATE_MACHINE_ARN',
    );
  } else if (arnRegion === undefined) {
    problems.push(
      `the sweep state machine ${JSON.stringify(stateMachineArn)} is not a state machine ARN (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME)`,
    );
  }
  if (bucket === '') {
    problems.push('--aws needs the sweep bucket: --sweep-bucket NAME or TRADING_SWEEP_BUCKET');
  } else if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    problems.push(`the sweep bucket ${JSON.stringify(bucket)} is not an S3 bucket name`);
  }
  if (region === '') problems.push("--aws needs AWS_REGION: the sweep state machine's region");
  else if (arnRegion !== undefined && arnRegion !== region) {
    problems.push(`AWS_REGION is ${region}, but the sweep state machine is in ${arnRegion}`);
  }
  const generic = checkedEndpoint('AWS_ENDPOINT_URL', env, problems);
  const s3Endpoint = checkedEndpoint('AWS_ENDPOINT_URL_S3', env, problems) ?? generic;
  const sfnEndpoint = checkedEndpoint('AWS_ENDPOINT_URL_SFN', env, problems) ?? generic;
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return {
    stateMachineArn,
    bucket,
    region,
    ...(s3Endpoint === undefined ? {} : { s3Endpoint }),
    ...(sfnEndpoint === undefined ? {} : { sfnEndpoint }),
  };
}
