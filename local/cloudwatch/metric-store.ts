/** A metric dimension, as CloudWatch names it. */
export interface Dimension {
  readonly Name: string;
  readonly Value: string;
}

/** A metric's identity: namespace, name and dimensions (order does not matter). */
export interface MetricId {
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions: readonly Dimension[];
}

/** Statistics of the values that fell into one second. */
interface Bucket {
  readonly second: number;
  sum: number;
  count: number;
  min: number;
  max: number;
  /** Up to {@link RESERVOIR} raw values, for percentile statistics. */
  readonly samples: number[];
}

interface Series {
  readonly id: MetricId;
  readonly buckets: Bucket[];
  unit: string | undefined;
  lastPut: number;
}

/** One aggregated value of a query: the period's start and the statistic. */
export interface MetricPoint {
  readonly timestamp: number;
  readonly value: number;
}

const RESERVOIR = 64;

/** The statistics GetMetricData and alarms accept: the five basic ones and `pNN`. */
export type Statistic = 'SampleCount' | 'Average' | 'Sum' | 'Minimum' | 'Maximum' | `p${number}`;

/** True for a statistic this store can compute. */
export function isStatistic(value: string): value is Statistic {
  return /^(SampleCount|Average|Sum|Minimum|Maximum|p(100|\d{1,2})(\.\d+)?)$/.test(value);
}

/** A stable key for a metric identity, dimensions sorted by name. */
export function metricKey(id: MetricId): string {
  const dims = [...id.Dimensions].sort((a, b) => a.Name.localeCompare(b.Name));
  return JSON.stringify([id.Namespace, id.MetricName, dims.map((d) => [d.Name, d.Value])]);
}

/**
 * The local region's metric storage: per metric, one statistic set per second (sum, count, min,
 * max and a small sample for percentiles), kept for `retentionMs`. One-second buckets serve both
 * high-resolution metrics (ConcurrentRequestsPerModel, 10 s alarms) and standard ones, and bound
 * memory under heavy traffic to one bucket per metric per second, whatever the request rate.
 */
export class MetricStore {
  readonly #series = new Map<string, Series>();
  /** Keys of identity objects callers reuse (the AWS/SageMaker publisher puts on every request). */
  readonly #keys = new WeakMap<MetricId, string>();
  readonly #retentionMs: number;

  constructor(retentionMs = 3 * 60 * 60 * 1000) {
    this.#retentionMs = retentionMs;
  }

  /**
   * Adds values to a metric at `timestamp` (ms). `values` with `counts` mirrors PutMetricData's
   * Values/Counts; a statistic set adds pre-aggregated data without raw samples.
   */
  put(
    id: MetricId,
    timestamp: number,
    data:
      | { readonly kind: 'values'; readonly values: readonly number[]; readonly counts?: readonly number[] }
      | {
          readonly kind: 'statistics';
          readonly sum: number;
          readonly count: number;
          readonly min: number;
          readonly max: number;
        },
    unit?: string,
  ): void {
    let key = this.#keys.get(id);
    if (key === undefined) {
      key = metricKey(id);
      this.#keys.set(id, key);
    }
    let series = this.#series.get(key);
    if (!series) {
      series = { id: { ...id, Dimensions: [...id.Dimensions] }, buckets: [], unit, lastPut: timestamp };
      this.#series.set(key, series);
    }
    series.unit = unit ?? series.unit;
    series.lastPut = Math.max(series.lastPut, timestamp);
    const bucket = bucketAt(series.buckets, Math.floor(timestamp / 1000));
    if (data.kind === 'statistics') {
      bucket.sum += data.sum;
      bucket.count += data.count;
      bucket.min = Math.min(bucket.min, data.min);
      bucket.max = Math.max(bucket.max, data.max);
    } else {
      data.values.forEach((value, i) => {
        const times = data.counts?.[i] ?? 1;
        bucket.sum += value * times;
        bucket.count += times;
        bucket.min = Math.min(bucket.min, value);
        bucket.max = Math.max(bucket.max, value);
        if (bucket.samples.length < RESERVOIR) bucket.samples.push(value);
      });
    }
    this.#prune(series, timestamp);
  }

  #prune(series: Series, now: number): void {
    const oldest = Math.floor((now - this.#retentionMs) / 1000);
    let drop = 0;
    while (drop < series.buckets.length && (series.buckets[drop] as Bucket).second < oldest) drop += 1;
    if (drop > 0) series.buckets.splice(0, drop);
  }

  /**
   * The statistic of `id` per period of `periodSeconds`, for periods starting in [start, end).
   * Periods are aligned to the epoch, as CloudWatch aligns them; empty periods are left out.
   */
  query(id: MetricId, start: number, end: number, periodSeconds: number, stat: Statistic): MetricPoint[] {
    const series = this.#series.get(metricKey(id));
    if (!series) return [];
    const periodMs = periodSeconds * 1000;
    const groups = new Map<number, Bucket[]>();
    for (const bucket of series.buckets) {
      const at = bucket.second * 1000;
      const periodStart = Math.floor(at / periodMs) * periodMs;
      if (periodStart < Math.floor(start / periodMs) * periodMs || periodStart >= end) continue;
      const group = groups.get(periodStart) ?? [];
      group.push(bucket);
      groups.set(periodStart, group);
    }
    const points: MetricPoint[] = [];
    for (const [timestamp, buckets] of groups) {
      const value = statistic(buckets, stat);
      if (value !== undefined) points.push({ timestamp, value });
    }
    return points.sort((a, b) => a.timestamp - b.timestamp);
  }

  /** The unit a metric was last put with. */
  unit(id: MetricId): string | undefined {
    return this.#series.get(metricKey(id))?.unit;
  }

  /**
   * Metrics matching a ListMetrics filter: namespace, name, and dimension filters (a filter
   * without a value matches any value of that dimension name). `activeSince` keeps only metrics
   * put after that time (RecentlyActive).
   */
  list(filter: {
    namespace?: string | undefined;
    metricName?: string | undefined;
    dimensions?: readonly { Name: string; Value?: string | undefined }[] | undefined;
    activeSince?: number | undefined;
  }): MetricId[] {
    const out: MetricId[] = [];
    for (const series of this.#series.values()) {
      const { id } = series;
      if (filter.namespace !== undefined && id.Namespace !== filter.namespace) continue;
      if (filter.metricName !== undefined && id.MetricName !== filter.metricName) continue;
      if (filter.activeSince !== undefined && series.lastPut < filter.activeSince) continue;
      const dims = filter.dimensions ?? [];
      const matches = dims.every((f) =>
        id.Dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)),
      );
      if (matches) out.push(id);
    }
    return out;
  }
}

function bucketAt(buckets: Bucket[], second: number): Bucket {
  const last = buckets[buckets.length - 1];
  if (last && last.second === second) return last;
  const fresh: Bucket = {
    second,
    sum: 0,
    count: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    samples: [],
  };
  if (!last || last.second < second) {
    buckets.push(fresh);
    return fresh;
  }
  // A timestamp in the past (PutMetricData allows it): insert in order.
  let at = buckets.length - 1;
  while (at >= 0 && (buckets[at] as Bucket).second > second) at -= 1;
  const existing = buckets[at];
  if (existing && existing.second === second) return existing;
  buckets.splice(at + 1, 0, fresh);
  return fresh;
}

function statistic(buckets: readonly Bucket[], stat: Statistic): number | undefined {
  const count = buckets.reduce((n, b) => n + b.count, 0);
  if (count === 0) return undefined;
  switch (stat) {
    case 'SampleCount':
      return count;
    case 'Sum':
      return buckets.reduce((n, b) => n + b.sum, 0);
    case 'Average':
      return buckets.reduce((n, b) => n + b.sum, 0) / count;
    case 'Minimum':
      return Math.min(...buckets.map((b) => b.min));
    case 'Maximum':
      return Math.max(...buckets.map((b) => b.max));
    default: {
      const samples = buckets.flatMap((b) => b.samples).sort((a, b) => a - b);
      if (samples.length === 0) return undefined;
      const p = Number(stat.slice(1)) / 100;
      const rank = Math.min(samples.length - 1, Math.max(0, Math.ceil(p * samples.length) - 1));
      return samples[rank];
    }
  }
}
