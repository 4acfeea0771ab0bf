/**
 * A loopback stand-in for the two Step Functions calls the backtest command makes, StartExecution
 * and DescribeExecution, in the AWS JSON 1.0 protocol @aws-sdk/client-sfn speaks: there is no
 * local Step Functions server to run instead. It checks each request as the service would (POST
 * /, the JSON 1.0 content type and target, a SigV4 signature scoped to the region's `states`
 * service, a known state machine, a valid and unused execution name, JSON input that the state
 * machine's first state can read) and answers in the service's shapes and error types. An
 * execution runs the state machine's `run` with its input; the test makes `run` do what the state
 * machine does. A StatesError it throws fails the execution with that error and cause.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An execution's failure as Step Functions reports it: an error name and its cause. */
export class StatesError extends Error {
  readonly error: string;

  constructor(error: string, cause: string) {
    super(cause);
    this.name = 'StatesError';
    this.error = error;
  }
}

export interface StandInStateMachine {
  readonly arn: string;
  /** What is wrong with an execution's input (its first state could not read it), or undefined. */
  readonly checkInput: (input: unknown, executionName: string) => string | undefined;
  /** The execution: resolves with its output, or throws a StatesError. */
  readonly run: (input: unknown) => Promise<unknown>;
}

export interface StandInExecution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: number;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
}

export interface StepFunctionsStandIn {
  /** http://127.0.0.1:PORT, for AWS_ENDPOINT_URL_SFN. */
  readonly endpoint: string;
  readonly executions: ReadonlyMap<string, StandInExecution>;
  /** Every call answered, as `AWSStepFunctions.<Operation>`, in order. */
  readonly calls: readonly string[];
  /** Resolves once every execution started so far has ended. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

class ServiceError extends Error {
  readonly type: string;

  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': CONTENT_TYPE }).end(JSON.stringify(body));
}

function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string') throw new ServiceError('ValidationException', `${name} is required`);
  return value;
}

export async function startStepFunctionsStandIn(options: {
  readonly region: string;
  readonly stateMachines: readonly StandInStateMachine[];
}): Promise<StepFunctionsStandIn> {
  const machines = new Map(options.stateMachines.map((machine) => [machine.arn, machine]));
  const executions = new Map<string, StandInExecution>();
  const running: Promise<void>[] = [];
  const calls: string[] = [];
  const signature = new RegExp(
    `^AWS4-HMAC-SHA256 Credential=[^/]+/\\d{8}/${options.region}/states/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`,
  );

  const startExecution = (body: Record<string, unknown>) => {
    const allowed = new Set(['stateMachineArn', 'name', 'input']);
    const unknown = Object.keys(body).filter((key) => !allowed.has(key));
    if (unknown.length > 0)
      throw new ServiceError('ValidationException', `unexpected fields ${unknown.join(', ')}`);
    const stateMachineArn = stringField(body, 'stateMachineArn');
    const machine = machines.get(stateMachineArn);
    if (machine === undefined) {
      throw new ServiceError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${stateMachineArn}'`,
      );
    }
    const name = stringField(body, 'name');
    if (!EXECUTION_NAME.test(name)) throw new ServiceError('InvalidName', `Invalid Name: '${name}'`);
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    if (executions.has(executionArn)) {
      throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const input = stringField(body, 'input');
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      throw new ServiceError('InvalidExecutionInput', 'Invalid execution input: not JSON');
    }
    const problem = machine.checkInput(parsed, name);
    if (problem !== undefined) throw new ServiceError('InvalidExecutionInput', problem);

    const execution: StandInExecution = {
      executionArn,
      stateMachineArn,
      name,
      input,
      startDate: Date.now() / 1000,
      status: 'RUNNING',
    };
    executions.set(executionArn, execution);
    // The execution runs after the answer, as the service's does.
    const ended = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => machine.run(parsed))
      .then(
        (output) => {
          execution.status = 'SUCCEEDED';
          execution.output = JSON.stringify(output);
        },
        (error: unknown) => {
          execution.status = 'FAILED';
          execution.error = error instanceof StatesError ? error.error : 'States.Runtime';
          execution.cause = error instanceof Error ? error.message : String(error);
        },
      )
      .finally(() => {
        execution.stopDate = Date.now() / 1000;
      });
    running.push(ended);
    return { executionArn, startDate: execution.startDate };
  };

  const describeExecution = (body: Record<string, unknown>) => {
    const executionArn = stringField(body, 'executionArn');
    const execution = executions.get(executionArn);
    if (execution === undefined) {
      throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    }
    return { ...execution };
  };

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    'AWSStepFunctions.StartExecution': startExecution,
    'AWSStepFunctions.DescribeExecution': describeExecution,
  };

  const server = createServer(async (request, response) => {
    try {
      const text = await readBody(request);
      if (request.method !== 'POST' || request.url !== '/') {
        throw new ServiceError('UnknownOperationException', `${request.method} ${request.url}`);
      }
      if (request.headers['content-type'] !== CONTENT_TYPE) {
        throw new ServiceError('SerializationException', `content-type ${request.headers['content-type']}`);
      }
      if (!signature.test(request.headers.authorization ?? '')) {
        throw new ServiceError('IncompleteSignatureException', 'not signed for states in the region');
      }
      const target = String(request.headers['x-amz-target']);
      const operation = operations[target];
      if (operation === undefined) throw new ServiceError('UnknownOperationException', target);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new ServiceError('SerializationException', 'body is not JSON');
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new ServiceError('SerializationException', 'body is not a JSON object');
      }
      calls.push(target);
      send(response, 200, operation(body as Record<string, unknown>));
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      send(response, 400, { __type: `com.amazonaws.sfn#${error.type}`, message: error.message });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    executions,
    calls,
    async settled() {
      await Promise.all(running);
    },
    async close() {
      await Promise.all(running);
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      server.closeAllConnections();
      await closed;
    },
  };
}
