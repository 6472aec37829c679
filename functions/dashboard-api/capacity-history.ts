import {
  type ApplicationAutoScalingClient,
  DescribeScalingActivitiesCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { variantResourceId } from '../adapters/application-auto-scaling-variant-reader.js';
import { callAws } from '../adapters/aws-errors.js';
import type { CapacityPoint, EndpointSummary } from './api-contract.js';

/** An endpoint's capacity over time: warm instances, desired instances and floor. */
export interface CapacityHistory {
  /** Says where the points come from, shown under the chart. */
  readonly source: string;
  points(query: {
    readonly endpoint: string;
    readonly variant: string;
    readonly fromMs: number;
    readonly toMs: number;
  }): Promise<CapacityPoint[]>;
}

/** The capacity point an endpoint summary describes at `t`, summed over its variants. */
export function capacityPointOf(summary: EndpointSummary, t: number): CapacityPoint {
  const sum = (pick: (v: EndpointSummary['variants'][number]) => number | null): number | null => {
    const values = summary.variants.map(pick);
    return values.length > 0 && values.every((v) => v !== null)
      ? values.reduce((a: number, b) => a + (b as number), 0)
      : null;
  };
  return {
    t,
    warm: sum((v) => v.warmInstances),
    desired: sum((v) => v.desiredInstances),
    floor: sum((v) => v.floor),
  };
}

export interface CapacitySamplerOptions {
  /** Summaries of every endpoint, e.g. {@link summarizeEndpoints} with an instance probe. */
  readonly sample: () => Promise<readonly EndpointSummary[]>;
  readonly intervalMs: number;
  /** How far back points are kept. */
  readonly retentionMs: number;
  readonly now: () => number;
  /** A failed sample is skipped, not fatal: the chart shows a gap. */
  readonly onError?: (error: unknown) => void;
}

/**
 * A {@link CapacityHistory} that samples endpoint summaries on an interval and keeps them in
 * memory. For a long-lived host such as the local region, where it sees every instance's /ping
 * state; a Lambda lives too briefly to sample, and uses {@link ScalingActivityHistory}.
 */
export class CapacitySampler implements CapacityHistory {
  readonly source = 'sampled';
  readonly #series = new Map<string, CapacityPoint[]>();
  readonly #options: CapacitySamplerOptions;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;

  constructor(options: CapacitySamplerOptions) {
    this.#options = options;
  }

  /** Samples now, then every interval, until {@link CapacitySampler.stop}. */
  start(): void {
    if (this.#timer) return;
    void this.sampleOnce();
    this.#timer = setInterval(() => void this.sampleOnce(), this.#options.intervalMs);
    // Sampling is a convenience; it must never keep a process alive on its own.
    this.#timer.unref();
  }

  /** Stops sampling and waits for a sample in flight. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
  }

  /** Takes one sample of every endpoint; overlapping calls share the sample in flight. */
  sampleOnce(): Promise<void> {
    this.#inFlight ??= this.#take().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #take(): Promise<void> {
    let summaries: readonly EndpointSummary[];
    try {
      summaries = await this.#options.sample();
    } catch (error) {
      this.#options.onError?.(error);
      return;
    }
    const t = this.#options.now();
    const oldest = t - this.#options.retentionMs;
    for (const summary of summaries) {
      const series = this.#series.get(summary.name) ?? [];
      series.push(capacityPointOf(summary, t));
      const firstKept = series.findIndex((point) => point.t >= oldest);
      if (firstKept > 0) series.splice(0, firstKept);
      this.#series.set(summary.name, series);
    }
  }

  async points(query: { endpoint: string; fromMs: number; toMs: number }): Promise<CapacityPoint[]> {
    return (this.#series.get(query.endpoint) ?? []).filter((p) => p.t >= query.fromMs && p.t <= query.toMs);
  }
}

// Application Auto Scaling describes a SageMaker scaling activity as "Setting desired instance
// count to 4." (other services say "desired count" or "desired capacity").
const DESIRED = /desired (?:instance )?(?:count|capacity) to (\d+)/i;

/**
 * A {@link CapacityHistory} from Application Auto Scaling's activity log: one point per
 * successful change of the desired instance count. It knows neither warm counts nor past
 * floors, so those stay null; the API adds the current summary as the last point.
 */
export class ScalingActivityHistory implements CapacityHistory {
  readonly source = 'scaling activities';

  constructor(private readonly client: ApplicationAutoScalingClient) {}

  async points(query: {
    endpoint: string;
    variant: string;
    fromMs: number;
    toMs: number;
  }): Promise<CapacityPoint[]> {
    const points: CapacityPoint[] = [];
    let nextToken: string | undefined;
    // Activities come newest first; stop paging once they are older than the window.
    page: do {
      const out = await callAws('DescribeScalingActivities', () =>
        this.client.send(
          new DescribeScalingActivitiesCommand({
            ServiceNamespace: 'sagemaker',
            ResourceId: variantResourceId(query),
            ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
            NextToken: nextToken,
          }),
        ),
      );
      for (const activity of out.ScalingActivities ?? []) {
        const t = (activity.EndTime ?? activity.StartTime)?.getTime();
        if (t === undefined) continue;
        if (t < query.fromMs) break page;
        const desired = DESIRED.exec(activity.Description ?? '')?.[1];
        if (activity.StatusCode !== 'Successful' || desired === undefined || t > query.toMs) continue;
        points.push({ t, warm: null, desired: Number(desired), floor: null });
      }
      nextToken = out.NextToken;
    } while (nextToken);
    return points.reverse();
  }
}
