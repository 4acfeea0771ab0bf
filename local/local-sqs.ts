/**
 * An SQS-compatible server on loopback (fauxqs, in this process) with the signal path's queues:
 * bars and signals, each with a dead-letter queue and a redrive policy, so a message that keeps
 * failing moves to its dead-letter queue by the queue's own receive count, as in AWS.
 * fauxqs' startFauxqs listens on every interface (0.0.0.0, fixed in its code); its buildApp
 * (the same server, exported) is listened on 127.0.0.1 here instead, so nothing is reachable
 * from off the machine.
 */
import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { createSqsClient } from '../shared/queues/sqs-client.ts';

export interface LocalQueueSpec {
  readonly name: string;
  readonly visibilityTimeoutSeconds: number;
  /** Receives after which a message goes to `${name}-dlq`. */
  readonly maxReceiveCount: number;
}

export interface LocalQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly deadLetter: { readonly name: string; readonly url: string; readonly arn: string };
}

export interface LocalSqs {
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly queues: ReadonlyMap<string, LocalQueue>;
  close(): Promise<void>;
}

export interface LocalSqsOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly region?: string;
  readonly queues: readonly LocalQueueSpec[];
}

export async function startLocalSqs(options: LocalSqsOptions): Promise<LocalSqs> {
  const region = options.region ?? 'us-east-1';
  const server = buildApp({ logger: false, defaultRegion: region });
  await server.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const port = (server.server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const close = async (): Promise<void> => {
    await server.close();
  };
  const client = createSqsClient({ region, endpoint, requestTimeoutMs: 5_000 });
  const queues = new Map<string, LocalQueue>();
  try {
    for (const spec of options.queues) queues.set(spec.name, await createQueueWithDeadLetter(client, spec));
  } catch (error) {
    await close();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, port, region, queues, close };
}

async function createQueue(
  client: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<{ name: string; url: string; arn: string }> {
  const created = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = created.QueueUrl!;
  const described = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { name, url, arn: described.Attributes!.QueueArn! };
}

async function createQueueWithDeadLetter(client: SQSClient, spec: LocalQueueSpec): Promise<LocalQueue> {
  const deadLetter = await createQueue(client, `${spec.name}-dlq`, {});
  const queue = await createQueue(client, spec.name, {
    VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetter.arn,
      maxReceiveCount: spec.maxReceiveCount,
    }),
  });
  return { ...queue, deadLetter };
}
