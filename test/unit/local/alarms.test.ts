import { describe, expect, it } from 'vitest';
import { type AlarmDefinition, evaluateAlarm } from '../../../local/cloudwatch/alarms.js';
import { MetricStore } from '../../../local/cloudwatch/metric-store.js';

const metric = { Namespace: 'Test', MetricName: 'Latency', Dimensions: [] };
const alarm = (over: Partial<AlarmDefinition> = {}): AlarmDefinition => ({
  AlarmName: 'a',
  ...metric,
  Statistic: 'Average',
  Period: 10,
  EvaluationPeriods: 3,
  Threshold: 100,
  ComparisonOperator: 'GreaterThanThreshold',
  extra: {},
  ...over,
});

function storeWith(values: readonly (number | undefined)[], periodMs: number, end: number): MetricStore {
  const store = new MetricStore();
  values.forEach((value, i) => {
    if (value === undefined) return;
    store.put(metric, end - (values.length - 1 - i) * periodMs, { kind: 'values', values: [value] });
  });
  return store;
}

describe('evaluateAlarm', () => {
  const now = 1_000_000_005_000;

  it('goes to ALARM only when every evaluated period breaches', () => {
    expect(evaluateAlarm(alarm(), storeWith([150, 160, 170], 10_000, now), now).state).toBe('ALARM');
    expect(evaluateAlarm(alarm(), storeWith([150, 90, 170], 10_000, now), now).state).toBe('OK');
  });

  it('goes to ALARM on M out of N when DatapointsToAlarm is set', () => {
    const store = storeWith([150, 90, 170], 10_000, now);
    expect(evaluateAlarm(alarm({ DatapointsToAlarm: 2 }), store, now).state).toBe('ALARM');
  });

  it('treats missing data as CloudWatch documents', () => {
    const empty = new MetricStore();
    expect(evaluateAlarm(alarm(), empty, now).state).toBe('INSUFFICIENT_DATA');
    expect(evaluateAlarm(alarm({ TreatMissingData: 'breaching' }), empty, now).state).toBe('ALARM');
    expect(evaluateAlarm(alarm({ TreatMissingData: 'notBreaching' }), empty, now).state).toBe('OK');
    expect(evaluateAlarm(alarm({ TreatMissingData: 'ignore' }), empty, now).state).toBe('unchanged');
  });
});

describe('MetricStore', () => {
  it('computes each statistic over the periods it aligns to the epoch', () => {
    const store = new MetricStore();
    const t0 = 1_700_000_040_000;
    store.put(metric, t0, { kind: 'values', values: [10, 20, 30, 40] });
    store.put(metric, t0 + 65_000, { kind: 'statistics', sum: 9, count: 3, min: 1, max: 5 });
    const query = (stat: Parameters<MetricStore['query']>[4]) =>
      store.query(metric, t0 - 60_000, t0 + 120_000, 60, stat);
    expect(query('Sum').map((p) => p.value)).toEqual([100, 9]);
    expect(query('Average').map((p) => p.value)).toEqual([25, 3]);
    expect(query('Maximum').map((p) => p.value)).toEqual([40, 5]);
    expect(query('p50')[0]?.value).toBe(20);
    expect(query('Sum')[0]?.timestamp).toBe(Math.floor(t0 / 60_000) * 60_000);
  });
});
