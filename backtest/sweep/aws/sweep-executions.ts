/**
 * The sweep state machine's executions as the command drives them: one started per run (named by
 * the run id, so starting the same run twice cannot run it twice), then described until it ends.
 */
import { DescribeExecutionCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

export type ExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE';

export interface ExecutionState {
  readonly status: ExecutionStatus;
  /** Why it failed, as Step Functions reports it (an error name and its cause). */
  readonly error?: string;
  readonly cause?: string;
}

export interface SweepExecutions {
  /** Starts the run's execution with input {"runId"}; returns the execution's ARN. */
  start(runId: string): Promise<string>;
  describe(executionArn: string): Promise<ExecutionState>;
}

export class SfnSweepExecutions implements SweepExecutions {
  readonly #client: SFNClient;
  readonly #stateMachineArn: string;

  constructor(client: SFNClient, stateMachineArn: string) {
    this.#client = client;
    this.#stateMachineArn = stateMachineArn;
  }

  async start(runId: string): Promise<string> {
    const started = await this.#client.send(
      new StartExecutionCommand({
        stateMachineArn: this.#stateMachineArn,
        name: runId,
        input: JSON.stringify({ runId }),
      }),
    );
    return started.executionArn!;
  }

  async describe(executionArn: string): Promise<ExecutionState> {
    const described = await this.#client.send(new DescribeExecutionCommand({ executionArn }));
    return {
      status: described.status as ExecutionStatus,
      ...(described.error === undefined ? {} : { error: described.error }),
      ...(described.cause === undefined ? {} : { cause: described.cause }),
    };
  }
}

/** The first wait, its growth and its cap: quick for a small sweep, few calls for a long one. */
const FIRST_POLL_MS = 1_000;
const POLL_GROWTH = 1.5;
const LONGEST_POLL_MS = 15_000;

/** Describes the execution until it has ended, waiting longer between calls as it goes on. */
export async function waitForExecution(
  executions: Pick<SweepExecutions, 'describe'>,
  executionArn: string,
  sleep: (ms: number) => Promise<void>,
): Promise<ExecutionState> {
  let waitMs = FIRST_POLL_MS;
  for (;;) {
    await sleep(waitMs);
    const state = await executions.describe(executionArn);
    // A redrive of a failed execution passes through PENDING_REDRIVE on its way back to RUNNING.
    if (state.status !== 'RUNNING' && state.status !== 'PENDING_REDRIVE') return state;
    waitMs = Math.min(waitMs * POLL_GROWTH, LONGEST_POLL_MS);
  }
}
