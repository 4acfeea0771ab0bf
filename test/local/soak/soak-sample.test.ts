import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../../local/soak/prometheus-text.ts';
import { engineReading, sentByType } from '../../../local/soak/soak-sample.ts';

const METRICS = `# HELP engine_nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.
# TYPE engine_nodejs_heap_size_used_bytes gauge
engine_nodejs_heap_size_used_bytes 52428800
engine_process_resident_memory_bytes 209715200
engine_nodejs_eventloop_lag_p99_seconds 0.0125
engine_nodejs_eventloop_lag_max_seconds 0.009
engine_marketdata_messages_total{type="quote"} 1000
engine_marketdata_messages_total{type="trade"} 20
engine_marketdata_messages_total{type="control"} 3
engine_marketdata_parse_errors_total 0
engine_marketdata_reconnects_total 1
engine_intents_refused_total{reason="duplicate_intent"} 2
execution_orders_sent_total 7
execution_fills_booked_total 9
`;

describe('Function: parsePrometheusText', () => {
  it('reads names, labels and values, skipping comments', () => {
    expect(parsePrometheusText('# HELP x\nx_total{a="1",b="two \\"q\\""} 3.5\ny 7\n')).toStrictEqual([
      { name: 'x_total', labels: { a: '1', b: 'two \\"q\\"' }, value: 3.5 },
      { name: 'y', labels: {}, value: 7 },
    ]);
  });
});

describe('Function: engineReading', () => {
  it("takes Node's 10 ms sampling period off the event-loop delay and leaves control messages out", () => {
    const reading = engineReading(METRICS);
    expect(reading).toStrictEqual({
      heapUsedBytes: 52_428_800,
      rssBytes: 209_715_200,
      lagP99Ms: expect.closeTo(2.5, 6),
      lagMaxMs: 0,
      received: { quote: 1000, trade: 20 },
      rejected: 0,
      reconnects: 1,
      refused: { duplicate_intent: 2 },
      ordersSent: 7,
      fillsBooked: 9,
    });
  });

  it('names a metric the engine does not expose', () => {
    expect(() => engineReading('engine_nodejs_heap_size_used_bytes 1\n')).toThrow(
      "the engine's /metrics has no engine_process_resident_memory_bytes",
    );
  });
});

describe('Function: sentByType', () => {
  it("puts the simulator's bar channels under the engine's one bar type", () => {
    expect(sentByType({ quotes: 5, bars: 1, updatedBars: 2, dailyBars: 1 })).toStrictEqual({
      quote: 5,
      bar: 4,
    });
  });
});
