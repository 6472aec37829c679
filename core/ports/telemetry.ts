/** One metric datum in the `Warmgate` namespace. */
export interface MetricDatum {
  readonly name: string;
  readonly value: number;
  readonly unit: 'Seconds' | 'Count' | 'Milliseconds' | 'None';
  readonly dimensions: Readonly<Record<string, string>>;
  readonly timestamp: Date;
}

/**
 * A maker of data for one endpoint at one instant: every warmgate metric carries the
 * `EndpointName` dimension, so alarms and the planner can select one endpoint's history.
 */
export function endpointMetrics(
  endpoint: string,
  timestamp: Date,
): (name: string, value: number, unit: MetricDatum['unit']) => MetricDatum {
  const dimensions = { EndpointName: endpoint };
  return (name, value, unit) => ({ name, value, unit, dimensions, timestamp });
}

export interface MetricsSink {
  put(data: readonly MetricDatum[]): Promise<void>;
  /** Values of one metric between two instants (for the planner's provisioning history). */
  values(query: {
    name: string;
    dimensions: Readonly<Record<string, string>>;
    from: Date;
    to: Date;
  }): Promise<number[]>;
}

/** An audit record of one rollout or pre-warm, written once at the end. */
export interface AuditRecord {
  readonly endpoint: string;
  readonly executionId: string;
  readonly kind: 'rollout' | 'prewarm';
  readonly outcome: 'succeeded' | 'failed';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface AuditLog {
  append(record: AuditRecord): Promise<void>;
  recent(endpoint: string, limit: number): Promise<AuditRecord[]>;
}
