import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { callAws } from '../adapters/aws-errors.js';
import type { LatencyPoint } from './api-contract.js';

/** An endpoint variant's invocation latency and volume over time. */
export interface LatencySource {
  points(query: {
    readonly endpoint: string;
    readonly variant: string;
    readonly fromMs: number;
    readonly toMs: number;
    readonly periodSeconds: number;
  }): Promise<LatencyPoint[]>;
}

const metric = (id: string, name: string, stat: string, endpoint: string, variant: string, period: number) =>
  ({
    Id: id,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/SageMaker',
        MetricName: name,
        Dimensions: [
          { Name: 'EndpointName', Value: endpoint },
          { Name: 'VariantName', Value: variant },
        ],
      },
      Period: period,
      Stat: stat,
    },
  }) satisfies MetricDataQuery;

/**
 * {@link LatencySource} over CloudWatch GetMetricData: SageMaker's `ModelLatency` (average and
 * p99, reported in microseconds) and `Invocations` (sum) per period. Periods without traffic
 * have no datapoints and become gaps, which is what a chart should show.
 */
export class CloudWatchLatencySource implements LatencySource {
  constructor(private readonly client: CloudWatchClient) {}

  async points(query: Parameters<LatencySource['points']>[0]): Promise<LatencyPoint[]> {
    const { endpoint, variant, periodSeconds: period } = query;
    const byTime = new Map<
      number,
      { averageMs: number | null; p99Ms: number | null; invocations: number | null }
    >();
    const row = (t: number) => {
      let found = byTime.get(t);
      if (!found) {
        found = { averageMs: null, p99Ms: null, invocations: null };
        byTime.set(t, found);
      }
      return found;
    };
    let nextToken: string | undefined;
    do {
      const out = await callAws('GetMetricData', () =>
        this.client.send(
          new GetMetricDataCommand({
            StartTime: new Date(query.fromMs),
            EndTime: new Date(query.toMs),
            ScanBy: 'TimestampAscending',
            NextToken: nextToken,
            MetricDataQueries: [
              metric('average', 'ModelLatency', 'Average', endpoint, variant, period),
              metric('p99', 'ModelLatency', 'p99', endpoint, variant, period),
              metric('invocations', 'Invocations', 'Sum', endpoint, variant, period),
            ],
          }),
        ),
      );
      for (const result of out.MetricDataResults ?? []) {
        const values = result.Values ?? [];
        (result.Timestamps ?? []).forEach((timestamp, i) => {
          const value = values[i];
          if (value === undefined) return;
          const point = row(timestamp.getTime());
          // ModelLatency is in microseconds; people read milliseconds.
          if (result.Id === 'average') point.averageMs = value / 1000;
          else if (result.Id === 'p99') point.p99Ms = value / 1000;
          else if (result.Id === 'invocations') point.invocations = value;
        });
      }
      nextToken = out.NextToken;
    } while (nextToken);
    return [...byTime.entries()].sort(([a], [b]) => a - b).map(([t, values]) => ({ t, ...values }));
  }
}
