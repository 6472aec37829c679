import {
  type CloudWatchClient,
  GetMetricDataCommand,
  PutMetricDataCommand,
  type StandardUnit,
} from '@aws-sdk/client-cloudwatch';
import type { MetricDatum, MetricsSink } from '../../core/ports/telemetry.js';
import { callAws } from './aws-errors.js';

/** warmgate's own metrics namespace (rollout and pre-warm timings, readiness margins). */
export const METRICS_NAMESPACE = 'Warmgate';

/** {@link MetricsSink} over CloudWatch PutMetricData / GetMetricData. */
export class CloudWatchMetricsSink implements MetricsSink {
  constructor(private readonly client: CloudWatchClient) {}

  async put(data: readonly MetricDatum[]): Promise<void> {
    if (data.length === 0) return;
    await callAws('PutMetricData', () =>
      this.client.send(
        new PutMetricDataCommand({
          Namespace: METRICS_NAMESPACE,
          MetricData: data.map((d) => ({
            MetricName: d.name,
            Value: d.value,
            Unit: d.unit as StandardUnit,
            Timestamp: d.timestamp,
            Dimensions: Object.entries(d.dimensions).map(([Name, Value]) => ({ Name, Value })),
          })),
        }),
      ),
    );
  }

  async values(query: Parameters<MetricsSink['values']>[0]): Promise<number[]> {
    const out = await callAws('GetMetricData', () =>
      this.client.send(
        new GetMetricDataCommand({
          StartTime: query.from,
          EndTime: query.to,
          MetricDataQueries: [
            {
              Id: 'q0',
              MetricStat: {
                Metric: {
                  Namespace: METRICS_NAMESPACE,
                  MetricName: query.name,
                  Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({ Name, Value })),
                },
                // One datum per rollout or pre-warm: the 1-minute maximum keeps each one visible.
                Period: 60,
                Stat: 'Maximum',
              },
            },
          ],
        }),
      ),
    );
    return out.MetricDataResults?.[0]?.Values ?? [];
  }
}
