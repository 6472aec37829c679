import {
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ListEndpointsCommand } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type RegionFixture, startFixture } from './region-fixture.js';

let fx: RegionFixture;

beforeAll(async () => {
  fx = await startFixture();
});

afterAll(async () => {
  await fx?.close();
});

describe('CloudWatch in the local region', () => {
  it('returns the sum of values put in one period when queried with GetMetricData', async () => {
    const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 5_000);
    await fx.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'Test/App',
        MetricData: [
          { MetricName: 'Orders', Dimensions: [{ Name: 'Shop', Value: 'a' }], Value: 3, Timestamp: at },
          {
            MetricName: 'Orders',
            Dimensions: [{ Name: 'Shop', Value: 'a' }],
            Values: [4, 5],
            Counts: [1, 2],
            Timestamp: at,
          },
        ],
      }),
    );
    const result = await fx.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(at.getTime() - 60_000),
        EndTime: new Date(at.getTime() + 60_000),
        MetricDataQueries: [
          {
            Id: 'orders',
            MetricStat: {
              Metric: {
                Namespace: 'Test/App',
                MetricName: 'Orders',
                Dimensions: [{ Name: 'Shop', Value: 'a' }],
              },
              Period: 60,
              Stat: 'Sum',
            },
          },
        ],
      }),
    );
    expect(result.MetricDataResults?.[0]?.Values).toEqual([3 + 4 + 5 * 2]);
    expect(result.MetricDataResults?.[0]?.Timestamps?.[0]?.getTime()).toBe(at.getTime() - 5_000);
    const listed = await fx.cloudwatch.send(new ListMetricsCommand({ Namespace: 'Test/App' }));
    expect(listed.Metrics).toEqual([
      { Namespace: 'Test/App', MetricName: 'Orders', Dimensions: [{ Name: 'Shop', Value: 'a' }] },
    ]);
  });

  it('moves an alarm to ALARM when data breaches its threshold', async () => {
    await fx.cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'errors-high',
        Namespace: 'Test/App',
        MetricName: 'Errors',
        Statistic: 'Maximum',
        Period: 10,
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    const before = await fx.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['errors-high'] }));
    expect(before.MetricAlarms?.[0]?.StateValue).toBe('INSUFFICIENT_DATA');
    await fx.cloudwatch.send(
      new PutMetricDataCommand({ Namespace: 'Test/App', MetricData: [{ MetricName: 'Errors', Value: 9 }] }),
    );
    const after = await fx.cloudwatch.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
    expect(after.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['errors-high']);
    expect(after.MetricAlarms?.[0]?.StateReason).toContain('breached the threshold');
  });

  it('refuses custom data in an AWS/ namespace with InvalidParameterValueException', async () => {
    await expect(
      fx.cloudwatch.send(
        new PutMetricDataCommand({ Namespace: 'AWS/SageMaker', MetricData: [{ MetricName: 'X', Value: 1 }] }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException', $metadata: { httpStatusCode: 400 } });
  });

  it('reports deleting an alarm that does not exist as ResourceNotFound', async () => {
    await expect(
      fx.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ['ghost'] })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFound',
    });
  });
});

describe('fault injection of the local region', () => {
  it('throttles the chosen share of an operation with ThrottlingException, then clears', async () => {
    const control = `${fx.region.url}/_warmgate/faults`;
    const set = await fetch(`${control}/throttle`, {
      method: 'POST',
      body: JSON.stringify({ operation: 'SageMaker.ListEndpoints', share: 0.5 }),
    });
    expect(set.status).toBe(200);
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () =>
        fx.sagemaker.send(new ListEndpointsCommand({})).then(
          () => 'ok',
          (error: { name: string }) => error.name,
        ),
      ),
    );
    expect(outcomes.sort()).toEqual(['ThrottlingException', 'ThrottlingException', 'ok', 'ok']);
    await fetch(control, { method: 'DELETE' });
    await expect(fx.sagemaker.send(new ListEndpointsCommand({}))).resolves.toBeDefined();
  });

  it('fails the next N calls of an operation with the chosen error', async () => {
    await fetch(`${fx.region.url}/_warmgate/faults/fail`, {
      method: 'POST',
      body: JSON.stringify({
        operation: 'ListMetrics',
        count: 2,
        errorCode: 'ServiceUnavailable',
        status: 503,
      }),
    });
    const attempt = () => fx.cloudwatch.send(new ListMetricsCommand({}));
    await expect(attempt()).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
    await expect(attempt()).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
    await expect(attempt()).resolves.toMatchObject({ Metrics: expect.any(Array) });
  });
});

describe('DynamoDB in the local region', () => {
  it('stores items and refuses a conditional write that fails, on the region port', async () => {
    await fx.dynamodb.send(
      new CreateTableCommand({
        TableName: 'locks',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const put = (holder: string) =>
      fx.dynamodb.send(
        new PutItemCommand({
          TableName: 'locks',
          Item: { pk: { S: 'manga-recs' }, holder: { S: holder } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    await eventually(() => put('first').then(() => true));
    await expect(put('second')).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    const item = await fx.dynamodb.send(
      new GetItemCommand({ TableName: 'locks', Key: { pk: { S: 'manga-recs' } } }),
    );
    expect(item.Item?.holder?.S).toBe('first');
  });
});

describe('Application Auto Scaling in the local region', () => {
  it('refuses to register a variant of an endpoint that does not exist', async () => {
    await expect(
      fx.scaling.send(
        new RegisterScalableTargetCommand({
          ServiceNamespace: 'sagemaker',
          ResourceId: 'endpoint/ghost/variant/AllTraffic',
          ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
          MinCapacity: 1,
          MaxCapacity: 2,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('answers ObjectNotFoundException when deregistering a target that is not registered', async () => {
    await expect(
      fx.scaling.send(
        new DeregisterScalableTargetCommand({
          ServiceNamespace: 'sagemaker',
          ResourceId: 'endpoint/ghost/variant/AllTraffic',
          ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ObjectNotFoundException',
      message: expect.stringContaining('endpoint/ghost'),
    });
    const listed = await fx.scaling.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker' }),
    );
    expect(listed.ScalableTargets).toEqual([]);
  });
});
