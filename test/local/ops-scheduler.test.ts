import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../local/local-dynamo.ts';
import { startOpsScheduler } from '../../local/ops-scheduler.ts';
import type { OpsReport } from '../../shared/ops/ops-report.ts';
import { OPS_SCHEDULES, OPS_TIME_ZONE } from '../../shared/ops/ops-schedules.ts';
import { prometheusOpsMetrics } from '../../shared/ops/prometheus-ops-metrics.ts';
import { ScheduleExpression } from '../../shared/ops/schedule-expression.ts';
import { createDocumentClient } from '../../shared/store/dynamo-client.ts';
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { newYorkDate } from '../../shared/time/new-york-time.ts';

describe('startOpsScheduler (the local stack runs the jobs on the deployed expressions)', () => {
  let dynamo: LocalDynamo;
  let client: ReturnType<typeof createDocumentClient>;

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'ops-scheduler' });
    client = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
  });

  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it('schedules each job on its EventBridge expression in New York time, and a firing stores the report and sets the metric', async () => {
    const store = new DynamoStore({ client, tables: dynamo.tables, account: 'ops-scheduler-acct' });
    const registry = new Registry();
    const reports: OpsReport[] = [];
    const today = newYorkDate(Date.now());
    const scheduler = startOpsScheduler({
      bodies: {
        premarket: async () => ({
          newYorkDate: today,
          outcome: 'problems',
          summary: '1 of 7 checks failed: lease',
          table: { columns: ['check', 'status'], rows: [['lease', 'fail']] },
          detail: {},
        }),
        reconcile: async () => {
          throw new Error('broker unreachable');
        },
      },
      runner: {
        clock: systemClock,
        reports: store,
        metrics: prometheusOpsMetrics(registry),
        log: { info: () => {}, error: () => {} },
      },
      onReport: (report) => reports.push(report),
    });
    try {
      const now = Date.now();
      const next = scheduler.nextRuns();
      expect(Object.keys(next).sort()).toEqual(['premarket', 'reconcile']);
      for (const job of ['premarket', 'reconcile'] as const) {
        const expected = new ScheduleExpression(OPS_SCHEDULES[job].expression, OPS_TIME_ZONE).nextAfter(now);
        // Within the same minute as the expression's own next firing (now moved on by milliseconds).
        expect(Math.abs(next[job]! - expected!)).toBeLessThan(60_000);
      }

      await scheduler.fire('premarket');
      await scheduler.fire('reconcile');
      expect(reports.map((report) => [report.job, report.outcome])).toEqual([
        ['premarket', 'problems'],
        ['reconcile', 'failed'],
      ]);
      expect(reports[1]!.summary).toBe('reconcile could not finish: broker unreachable');
      const stored = await store.listOpsReports('premarket', today);
      expect(stored.items.map((item) => item.runId)).toEqual([reports[0]!.runId]);
      const gauge = await registry.getSingleMetric('ops_job_metric')!.get();
      expect(gauge.values.map(({ labels, value }) => [labels.metric, value]).sort()).toEqual([
        ['PremarketFailed', 1],
        ['ReconcileFailed', 1],
      ]);
    } finally {
      scheduler.close();
    }
  });
});
