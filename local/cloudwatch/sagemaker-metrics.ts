import type { VariantConcurrency } from '../hosting/hosting.js';
import type { InvocationRecord } from '../runtime/runtime-service.js';
import type { MetricId, MetricStore } from './metric-store.js';

/** The namespace SageMaker publishes endpoint metrics in. */
export const SAGEMAKER_NAMESPACE = 'AWS/SageMaker';

function variantMetric(metricName: string, endpointName: string, variantName: string): MetricId {
  return {
    Namespace: SAGEMAKER_NAMESPACE,
    MetricName: metricName,
    Dimensions: [
      { Name: 'EndpointName', Value: endpointName },
      { Name: 'VariantName', Value: variantName },
    ],
  };
}

/**
 * Publishes SageMaker's endpoint metrics from the traffic the region really routes:
 * Invocations, InvocationsPerInstance, ModelLatency and OverheadLatency (microseconds, as
 * SageMaker reports them), Invocation4XXErrors/5XXErrors, and the high-resolution
 * ConcurrentRequestsPerModel that target tracking on concurrency reads.
 */
export class SageMakerMetrics {
  readonly #store: MetricStore;
  readonly #now: () => number;
  readonly #instances: (endpointName: string, variantName: string) => number;
  readonly #ids = new Map<string, MetricId>();

  constructor(
    store: MetricStore,
    now: () => number,
    instances: (endpointName: string, variantName: string) => number,
  ) {
    this.#store = store;
    this.#now = now;
    this.#instances = instances;
  }

  /** One identity object per metric, so the store computes its key once, not per request. */
  #id(metricName: string, endpointName: string, variantName: string): MetricId {
    const key = `${metricName}\u0000${endpointName}\u0000${variantName}`;
    let id = this.#ids.get(key);
    if (!id) {
      id = variantMetric(metricName, endpointName, variantName);
      this.#ids.set(key, id);
    }
    return id;
  }

  /** Records one routed invocation. */
  recordInvocation(record: InvocationRecord): void {
    const at = this.#now();
    const put = (name: string, value: number, unit: string) =>
      this.#store.put(
        this.#id(name, record.endpointName, record.variantName),
        at,
        { kind: 'values', values: [value] },
        unit,
      );
    const instances = Math.max(1, this.#instances(record.endpointName, record.variantName));
    put('Invocations', 1, 'None');
    put('InvocationsPerInstance', 1 / instances, 'None');
    put('ModelLatency', Math.round(record.modelLatencyMs * 1000), 'Microseconds');
    put('OverheadLatency', Math.round(Math.max(0, record.overheadMs) * 1000), 'Microseconds');
    const clientError = record.status >= 400 && record.status < 500;
    const serverError = record.status === 0 || record.status >= 500;
    put('Invocation4XXErrors', clientError ? 1 : 0, 'None');
    put('Invocation5XXErrors', serverError ? 1 : 0, 'None');
  }

  /**
   * Records one concurrency sample per variant: the time-averaged in-flight requests per serving
   * instance since the previous sample. Idle variants record 0, which scale-in needs to see.
   */
  recordConcurrency(samples: readonly VariantConcurrency[]): void {
    const at = this.#now();
    for (const sample of samples) {
      if (sample.instances === 0) continue;
      this.#store.put(
        this.#id('ConcurrentRequestsPerModel', sample.endpointName, sample.variantName),
        at,
        { kind: 'values', values: [sample.perInstance] },
        'Count',
      );
    }
  }
}

/** The metric a target-tracking policy's predefined type reads, with the statistic and period. */
export function predefinedMetric(
  type: string,
  endpointName: string,
  variantName: string,
): { id: MetricId; stat: 'Average' | 'Sum'; periodSeconds: number } | undefined {
  if (type === 'SageMakerVariantConcurrentRequestsPerModelHighResolution') {
    return {
      id: variantMetric('ConcurrentRequestsPerModel', endpointName, variantName),
      stat: 'Average',
      periodSeconds: 10,
    };
  }
  if (type === 'SageMakerVariantInvocationsPerInstance') {
    return {
      id: variantMetric('InvocationsPerInstance', endpointName, variantName),
      stat: 'Sum',
      periodSeconds: 60,
    };
  }
  return undefined;
}
