import type { Dimension, MetricStore, Statistic } from './metric-store.js';

/** CloudWatch's alarm states. */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** The comparison operators a metric alarm can use. */
export type ComparisonOperator =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

/** What an alarm watches and when it fires (a single-metric alarm). */
export interface AlarmDefinition {
  readonly AlarmName: string;
  readonly AlarmDescription?: string | undefined;
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions: readonly Dimension[];
  readonly Statistic: Statistic;
  readonly Period: number;
  readonly EvaluationPeriods: number;
  readonly DatapointsToAlarm?: number | undefined;
  readonly Threshold: number;
  readonly ComparisonOperator: ComparisonOperator;
  readonly TreatMissingData?: 'breaching' | 'notBreaching' | 'ignore' | 'missing' | undefined;
  readonly Unit?: string | undefined;
  /** Everything else the caller sent (actions, tags), echoed by DescribeAlarms. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** An alarm with its current state. */
export interface AlarmRecord {
  readonly definition: AlarmDefinition;
  readonly arn: string;
  readonly configUpdated: Date;
  state: AlarmState;
  reason: string;
  stateUpdated: Date;
  stateTransitioned: Date;
  /** A state set by SetAlarmState holds until then (one period), then evaluation resumes. */
  manualUntil: number;
}

function breaches(value: number, op: ComparisonOperator, threshold: number): boolean {
  switch (op) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

/**
 * Decides an alarm's state from the last `EvaluationPeriods` periods ("M out of N": ALARM when at
 * least `DatapointsToAlarm` of them breach). The period in progress counts, so a local alarm
 * reacts within a second of the data rather than a period later; missing periods follow
 * `TreatMissingData` as CloudWatch documents it.
 */
export function evaluateAlarm(
  definition: AlarmDefinition,
  store: MetricStore,
  now: number,
): { state: AlarmState | 'unchanged'; reason: string } {
  const periodMs = definition.Period * 1000;
  const newest = Math.floor(now / periodMs) * periodMs;
  const oldest = newest - (definition.EvaluationPeriods - 1) * periodMs;
  const points = store.query(
    { Namespace: definition.Namespace, MetricName: definition.MetricName, Dimensions: definition.Dimensions },
    oldest,
    newest + periodMs,
    definition.Period,
    definition.Statistic,
  );
  const byStart = new Map(points.map((p) => [p.timestamp, p.value]));
  const treat = definition.TreatMissingData ?? 'missing';
  let breaching = 0;
  let present = 0;
  for (let at = oldest; at <= newest; at += periodMs) {
    const value = byStart.get(at);
    if (value === undefined) {
      if (treat === 'breaching') breaching += 1;
      if (treat === 'breaching' || treat === 'notBreaching') present += 1;
      continue;
    }
    present += 1;
    if (breaches(value, definition.ComparisonOperator, definition.Threshold)) breaching += 1;
  }
  const needed = definition.DatapointsToAlarm ?? definition.EvaluationPeriods;
  const values = points.map((p) => p.value).join(', ');
  if (breaching >= needed) {
    return {
      state: 'ALARM',
      reason: `Threshold Crossed: ${breaching} out of the last ${definition.EvaluationPeriods} datapoints [${values}] breached the threshold (${definition.Threshold}).`,
    };
  }
  if (present === 0) {
    if (treat === 'ignore') return { state: 'unchanged', reason: '' };
    return { state: 'INSUFFICIENT_DATA', reason: 'Insufficient Data: no datapoints were received.' };
  }
  return {
    state: 'OK',
    reason: `Threshold Crossed: ${breaching} out of the last ${definition.EvaluationPeriods} datapoints [${values}] breached the threshold (${definition.Threshold}).`,
  };
}

/** The region's metric alarms, evaluated against the metric store. */
export class AlarmStore {
  readonly #alarms = new Map<string, AlarmRecord>();
  readonly #store: MetricStore;
  readonly #arn: (name: string) => string;

  constructor(store: MetricStore, arn: (name: string) => string) {
    this.#store = store;
    this.#arn = arn;
  }

  /** Creates or replaces an alarm; a new alarm starts in INSUFFICIENT_DATA, as in CloudWatch. */
  put(definition: AlarmDefinition, now: number): AlarmRecord {
    const existing = this.#alarms.get(definition.AlarmName);
    const at = new Date(now);
    const record: AlarmRecord = existing
      ? { ...existing, definition, configUpdated: at }
      : {
          definition,
          arn: this.#arn(definition.AlarmName),
          configUpdated: at,
          state: 'INSUFFICIENT_DATA',
          reason: 'Unchecked: Initial alarm creation',
          stateUpdated: at,
          stateTransitioned: at,
          manualUntil: 0,
        };
    this.#alarms.set(definition.AlarmName, record);
    this.#evaluate(record, now);
    return record;
  }

  get(name: string): AlarmRecord | undefined {
    return this.#alarms.get(name);
  }

  all(): AlarmRecord[] {
    return [...this.#alarms.values()];
  }

  delete(name: string): boolean {
    return this.#alarms.delete(name);
  }

  /** Sets a state by hand (SetAlarmState); the next evaluation may change it again. */
  setState(name: string, state: AlarmState, reason: string, now: number): boolean {
    const record = this.#alarms.get(name);
    if (!record) return false;
    this.#transition(record, state, reason, now);
    record.manualUntil = now + record.definition.Period * 1000;
    return true;
  }

  /** Re-evaluates every alarm. */
  evaluateAll(now: number): void {
    for (const record of this.#alarms.values()) this.#evaluate(record, now);
  }

  #evaluate(record: AlarmRecord, now: number): void {
    if (now < record.manualUntil) return;
    const verdict = evaluateAlarm(record.definition, this.#store, now);
    if (verdict.state === 'unchanged') return;
    this.#transition(record, verdict.state, verdict.reason, now);
  }

  #transition(record: AlarmRecord, state: AlarmState, reason: string, now: number): void {
    if (record.state !== state) record.stateTransitioned = new Date(now);
    if (record.state !== state || record.reason !== reason) record.stateUpdated = new Date(now);
    record.state = state;
    record.reason = reason;
  }
}
