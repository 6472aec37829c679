import * as z from 'zod';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { parseOrThrow } from '../../core/validation.js';
import type { RegionClock } from '../clock.js';
import { paginate } from '../paginate.js';
import { timestamp } from '../sagemaker/shapes.js';
import type { JsonTargetService } from '../service.js';
import { errorMapper } from '../wire-error.js';
import type { AlarmDefinition, AlarmStore } from './alarms.js';
import { isStatistic, type MetricStore, type Statistic } from './metric-store.js';

const dimension = z.looseObject({ Name: z.string().min(1).max(255), Value: z.string().min(1).max(1024) });
const statistic = z
  .string()
  .refine(isStatistic, 'must be SampleCount, Average, Sum, Minimum, Maximum or pNN');

const metric = z.looseObject({
  Namespace: z.string().min(1).max(255),
  MetricName: z.string().min(1).max(255),
  Dimensions: z.array(dimension).max(30).optional(),
});

const PutMetricDataSchema = z.looseObject({
  Namespace: z.string().min(1).max(255),
  MetricData: z
    .array(
      z.looseObject({
        MetricName: z.string().min(1).max(255),
        Dimensions: z.array(dimension).max(30).optional(),
        Timestamp: timestamp.optional(),
        Value: z.number().optional(),
        Values: z.array(z.number()).max(150).optional(),
        Counts: z.array(z.number()).max(150).optional(),
        StatisticValues: z
          .looseObject({ SampleCount: z.number(), Sum: z.number(), Minimum: z.number(), Maximum: z.number() })
          .optional(),
        Unit: z.string().optional(),
        StorageResolution: z.number().int().optional(),
      }),
    )
    .max(1000)
    .optional(),
});

const GetMetricDataSchema = z.looseObject({
  MetricDataQueries: z
    .array(
      z.looseObject({
        Id: z
          .string()
          .regex(/^[a-z][a-zA-Z0-9_]*$/, 'must start with a lowercase letter (letters, digits, _)'),
        MetricStat: z
          .looseObject({
            Metric: metric,
            Period: z.number().int().min(1),
            Stat: statistic,
            Unit: z.string().optional(),
          })
          .optional(),
        Expression: z.string().optional(),
        Label: z.string().optional(),
        ReturnData: z.boolean().optional(),
      }),
    )
    .min(1)
    .max(500),
  StartTime: timestamp,
  EndTime: timestamp,
  NextToken: z.string().optional(),
  ScanBy: z.enum(['TimestampDescending', 'TimestampAscending']).optional(),
  MaxDatapoints: z.number().int().min(1).optional(),
});

const ListMetricsSchema = z.looseObject({
  Namespace: z.string().optional(),
  MetricName: z.string().optional(),
  Dimensions: z
    .array(z.looseObject({ Name: z.string(), Value: z.string().optional() }))
    .max(10)
    .optional(),
  NextToken: z.string().optional(),
  RecentlyActive: z.literal('PT3H').optional(),
});

const PutMetricAlarmSchema = z.looseObject({
  AlarmName: z.string().min(1).max(255),
  AlarmDescription: z.string().max(1024).optional(),
  MetricName: z.string().min(1).max(255).optional(),
  Namespace: z.string().min(1).max(255).optional(),
  Statistic: z.enum(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']).optional(),
  ExtendedStatistic: statistic.optional(),
  Dimensions: z.array(dimension).max(30).optional(),
  Period: z.number().int().min(1).optional(),
  EvaluationPeriods: z.number().int().min(1),
  DatapointsToAlarm: z.number().int().min(1).optional(),
  Threshold: z.number().optional(),
  ComparisonOperator: z.enum([
    'GreaterThanOrEqualToThreshold',
    'GreaterThanThreshold',
    'LessThanThreshold',
    'LessThanOrEqualToThreshold',
  ]),
  TreatMissingData: z.enum(['breaching', 'notBreaching', 'ignore', 'missing']).optional(),
  Unit: z.string().optional(),
  Metrics: z.array(z.unknown()).optional(),
});

const DescribeAlarmsSchema = z.looseObject({
  AlarmNames: z.array(z.string()).max(100).optional(),
  AlarmNamePrefix: z.string().optional(),
  AlarmTypes: z.array(z.enum(['CompositeAlarm', 'MetricAlarm'])).optional(),
  StateValue: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']).optional(),
  MaxRecords: z.number().int().min(1).max(100).optional(),
  NextToken: z.string().optional(),
});

const DeleteAlarmsSchema = z.looseObject({ AlarmNames: z.array(z.string()).max(100) });
const SetAlarmStateSchema = z.looseObject({
  AlarmName: z.string().min(1),
  StateValue: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  StateReason: z.string().max(1023),
});

/** What CloudWatch needs from the region. */
export interface CloudWatchDeps {
  readonly metrics: MetricStore;
  readonly alarms: AlarmStore;
  readonly clock: RegionClock;
  readonly onUnexpected?: (error: unknown) => void;
}

/**
 * CloudWatch as the installed SDK speaks it: AWS JSON 1.0 (`X-Amz-Target:
 * GraniteServiceVersion20100801.<Operation>`), "query compatible", so errors also carry their
 * awsQuery code in `x-amzn-query-error`. Besides the listed operations it serves DeleteAlarms and
 * SetAlarmState, which tests use to drive auto-rollback.
 */
export function createCloudWatchService(deps: CloudWatchDeps): JsonTargetService {
  const { metrics, alarms, clock } = deps;
  return {
    kind: 'json-target',
    name: 'CloudWatch',
    targetPrefix: 'GraniteServiceVersion20100801',
    jsonVersion: '1.0',
    errors: errorMapper(
      {
        validation: {
          type: 'com.amazonaws.cloudwatch#InvalidParameterValueException',
          queryCode: 'InvalidParameterValue',
        },
        notFound: {
          type: 'com.amazonaws.cloudwatch#ResourceNotFound',
          status: 404,
          queryCode: 'ResourceNotFound',
        },
        conflict: {
          type: 'com.amazonaws.cloudwatch#InvalidParameterValueException',
          queryCode: 'InvalidParameterValue',
        },
        internal: {
          type: 'com.amazonaws.cloudwatch#InternalServiceFault',
          queryCode: 'InternalServiceError',
        },
      },
      deps.onUnexpected,
    ),
    operations: {
      PutMetricData(input) {
        const request = parseOrThrow(PutMetricDataSchema, input);
        if (request.Namespace.startsWith('AWS/')) {
          throw ValidationError.field(
            'Namespace',
            `The value ${request.Namespace} for parameter Namespace is invalid.`,
          );
        }
        const now = clock.now();
        for (const [index, datum] of (request.MetricData ?? []).entries()) {
          const id = {
            Namespace: request.Namespace,
            MetricName: datum.MetricName,
            Dimensions: datum.Dimensions ?? [],
          };
          const at = datum.Timestamp?.getTime() ?? now;
          const stats = datum.StatisticValues;
          const given = [datum.Value !== undefined, datum.Values !== undefined, stats !== undefined].filter(
            Boolean,
          );
          if (given.length > 1) {
            throw ValidationError.field(
              `MetricData.${index}`,
              'set only one of Value, Values and StatisticValues',
            );
          }
          if (stats) {
            metrics.put(
              id,
              at,
              {
                kind: 'statistics',
                sum: stats.Sum,
                count: stats.SampleCount,
                min: stats.Minimum,
                max: stats.Maximum,
              },
              datum.Unit,
            );
          } else {
            const values = datum.Values ?? (datum.Value === undefined ? [] : [datum.Value]);
            if (datum.Counts && datum.Counts.length !== values.length) {
              throw ValidationError.field(
                `MetricData.${index}.Counts`,
                'must have as many entries as Values',
              );
            }
            metrics.put(
              id,
              at,
              { kind: 'values', values, ...(datum.Counts ? { counts: datum.Counts } : {}) },
              datum.Unit,
            );
          }
        }
        alarms.evaluateAll(now);
        return {};
      },

      GetMetricData(input) {
        const request = parseOrThrow(GetMetricDataSchema, input);
        const ascending = request.ScanBy === 'TimestampAscending';
        const results = request.MetricDataQueries.filter((q) => q.ReturnData !== false).map((query) => {
          if (!query.MetricStat) {
            throw ValidationError.field(
              `MetricDataQueries.${query.Id}`,
              'metric math expressions are not emulated',
            );
          }
          const stat = query.MetricStat;
          const points = metrics.query(
            {
              Namespace: stat.Metric.Namespace,
              MetricName: stat.Metric.MetricName,
              Dimensions: stat.Metric.Dimensions ?? [],
            },
            request.StartTime.getTime(),
            request.EndTime.getTime(),
            stat.Period,
            stat.Stat as Statistic,
          );
          if (!ascending) points.reverse();
          const limited = request.MaxDatapoints ? points.slice(0, request.MaxDatapoints) : points;
          return {
            Id: query.Id,
            Label: query.Label ?? stat.Metric.MetricName,
            Timestamps: limited.map((p) => new Date(p.timestamp)),
            Values: limited.map((p) => p.value),
            StatusCode: 'Complete',
          };
        });
        return { MetricDataResults: results, Messages: [] };
      },

      ListMetrics(input) {
        const request = parseOrThrow(ListMetricsSchema, input);
        const found = metrics.list({
          namespace: request.Namespace,
          metricName: request.MetricName,
          dimensions: request.Dimensions,
          activeSince: request.RecentlyActive ? clock.now() - 3 * 60 * 60 * 1000 : undefined,
        });
        const page = paginate(found, { nextToken: request.NextToken }, 500);
        return { Metrics: page.items, NextToken: page.nextToken };
      },

      PutMetricAlarm(input) {
        const request = parseOrThrow(PutMetricAlarmSchema, input);
        if (request.Metrics !== undefined) {
          throw ValidationError.field('Metrics', 'metric math alarms are not emulated; name one metric');
        }
        const stat = request.Statistic ?? request.ExtendedStatistic;
        for (const [field, value] of Object.entries({
          MetricName: request.MetricName,
          Namespace: request.Namespace,
          Period: request.Period,
          Threshold: request.Threshold,
          Statistic: stat,
        })) {
          if (value === undefined)
            throw ValidationError.field(field, 'is required for a single-metric alarm');
        }
        const {
          AlarmName,
          AlarmDescription,
          MetricName,
          Namespace,
          Statistic: _statistic,
          ExtendedStatistic: _extended,
          Dimensions,
          Period,
          EvaluationPeriods,
          DatapointsToAlarm,
          Threshold,
          ComparisonOperator,
          TreatMissingData,
          Unit,
          ...extra
        } = request;
        const definition: AlarmDefinition = {
          AlarmName,
          AlarmDescription,
          Namespace: Namespace as string,
          MetricName: MetricName as string,
          Dimensions: Dimensions ?? [],
          Statistic: stat as Statistic,
          Period: Period as number,
          EvaluationPeriods,
          DatapointsToAlarm,
          Threshold: Threshold as number,
          ComparisonOperator,
          TreatMissingData,
          Unit,
          extra: { ...extra, ...(request.Statistic ? {} : { extendedStatistic: true }) },
        };
        alarms.put(definition, clock.now());
        return {};
      },

      DescribeAlarms(input) {
        const request = parseOrThrow(DescribeAlarmsSchema, input);
        const wantMetric = !request.AlarmTypes || request.AlarmTypes.includes('MetricAlarm');
        const found = (wantMetric ? alarms.all() : [])
          .filter((a) => !request.AlarmNames || request.AlarmNames.includes(a.definition.AlarmName))
          .filter(
            (a) => !request.AlarmNamePrefix || a.definition.AlarmName.startsWith(request.AlarmNamePrefix),
          )
          .filter((a) => !request.StateValue || a.state === request.StateValue)
          .sort((a, b) => a.definition.AlarmName.localeCompare(b.definition.AlarmName));
        const page = paginate(found, { maxResults: request.MaxRecords, nextToken: request.NextToken }, 50);
        return {
          MetricAlarms: page.items.map((a) => {
            const d = a.definition;
            const { extendedStatistic, Tags: _tags, ...extra } = d.extra as Record<string, unknown>;
            return {
              ActionsEnabled: true,
              OKActions: [],
              AlarmActions: [],
              InsufficientDataActions: [],
              ...extra,
              AlarmName: d.AlarmName,
              AlarmArn: a.arn,
              AlarmDescription: d.AlarmDescription,
              AlarmConfigurationUpdatedTimestamp: a.configUpdated,
              StateValue: a.state,
              StateReason: a.reason,
              StateUpdatedTimestamp: a.stateUpdated,
              StateTransitionedTimestamp: a.stateTransitioned,
              MetricName: d.MetricName,
              Namespace: d.Namespace,
              ...(extendedStatistic ? { ExtendedStatistic: d.Statistic } : { Statistic: d.Statistic }),
              Dimensions: d.Dimensions,
              Period: d.Period,
              EvaluationPeriods: d.EvaluationPeriods,
              DatapointsToAlarm: d.DatapointsToAlarm,
              Threshold: d.Threshold,
              ComparisonOperator: d.ComparisonOperator,
              TreatMissingData: d.TreatMissingData,
              Unit: d.Unit,
            };
          }),
          CompositeAlarms: [],
          NextToken: page.nextToken,
        };
      },

      DeleteAlarms(input) {
        const request = parseOrThrow(DeleteAlarmsSchema, input);
        const missing = request.AlarmNames.filter((name) => !alarms.get(name));
        if (missing.length > 0) throw new NotFoundError(`Alarm(s) not found: ${missing.join(', ')}`);
        for (const name of request.AlarmNames) alarms.delete(name);
        return {};
      },

      SetAlarmState(input) {
        const request = parseOrThrow(SetAlarmStateSchema, input);
        if (!alarms.setState(request.AlarmName, request.StateValue, request.StateReason, clock.now())) {
          throw new NotFoundError(`Alarm ${request.AlarmName} not found`);
        }
        return {};
      },
    },
  };
}
