import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  GetMetricDataCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointView } from '../../../local/hosting/hosting.js';
import { INSTANCE_ID_HEADER } from '../../../local/runtime/runtime-service.js';
import {
  createEndpointInService,
  createModelAndConfig,
  eventually,
  IMAGE,
  processAlive,
  type RegionFixture,
  startFixture,
  waitForStatus,
} from './region-fixture.js';

let fx: RegionFixture;

// 0.05 turns SageMaker's 60 s minimum startup health-check timeout into 3 s.
beforeAll(async () => {
  fx = await startFixture({ timeScale: 0.05 });
});

afterAll(async () => {
  await fx?.close();
});

const QUERY = JSON.stringify({ query: 'pirate adventure with a rubber captain' });

/** Invokes without SDK retries and returns the serving instance and status. */
async function invoke(endpoint: string): Promise<{ status: number; instance: string | null; body: string }> {
  const response = await fetch(`${fx.region.url}/endpoints/${endpoint}/invocations`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: QUERY,
  });
  return {
    status: response.status,
    instance: response.headers.get(INSTANCE_ID_HEADER),
    body: await response.text(),
  };
}

function view(name: string): EndpointView {
  const found = fx.region.hosting.snapshot().find((e) => e.name === name);
  if (!found) throw new Error(`no endpoint ${name}`);
  return found;
}

function servingInstances(name: string) {
  return view(name)
    .fleets.filter((f) => f.role === 'current')
    .flatMap((f) => f.instances);
}

async function createBrokenModel(name: string): Promise<void> {
  await fx.sagemaker.send(
    new CreateModelCommand({
      ModelName: name,
      PrimaryContainer: {
        Image: IMAGE,
        ModelDataUrl: `file://${fx.brokenModelDir}`,
        Environment: { WARMGATE_FAIL_GRACE_MS: '0' },
      },
    }),
  );
}

describe('hosting in the local region', () => {
  it('serves InvokeEndpoint from every instance that passed /ping and names the instance', async () => {
    await createEndpointInService(fx, 'route-ep', { InitialInstanceCount: 2 });
    const sdk = await fx.runtime.send(
      new InvokeEndpointCommand({ EndpointName: 'route-ep', ContentType: 'application/json', Body: QUERY }),
    );
    expect(sdk.InvokedProductionVariant).toBe('AllTraffic');
    const results = JSON.parse(new TextDecoder().decode(sdk.Body)) as { results: { title: string }[] };
    expect(results.results.length).toBeGreaterThan(0);
    const served = new Set<string | null>();
    for (let n = 0; n < 6; n += 1) served.add((await invoke('route-ep')).instance);
    expect([...served].sort()).toEqual(
      servingInstances('route-ep')
        .map((i) => i.id)
        .sort(),
    );
  });

  it("answers ModelError with the container's status when the container refuses a request", async () => {
    const refused = fx.runtime.send(
      new InvokeEndpointCommand({
        EndpointName: 'route-ep',
        ContentType: 'application/json',
        Body: 'not json',
      }),
    );
    await expect(refused).rejects.toMatchObject({
      name: 'ModelError',
      OriginalStatusCode: 400,
      $metadata: { httpStatusCode: 424 },
      message: expect.stringContaining('Received client error (400) from primary'),
    });
  });

  it('publishes AWS/SageMaker Invocations and ModelLatency for the traffic it routes', async () => {
    const query = (id: string, name: string, stat: string) => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/SageMaker',
          MetricName: name,
          Dimensions: [
            { Name: 'EndpointName', Value: 'route-ep' },
            { Name: 'VariantName', Value: 'AllTraffic' },
          ],
        },
        Period: 60,
        Stat: stat,
      },
    });
    const read = async () => {
      const result = await fx.cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(Date.now() - 3_600_000),
          EndTime: new Date(Date.now() + 60_000),
          MetricDataQueries: [
            query('invocations', 'Invocations', 'Sum'),
            query('latency', 'ModelLatency', 'Maximum'),
          ],
        }),
      );
      const [invocations, latency] = result.MetricDataResults ?? [];
      return {
        invocations: invocations?.Values?.reduce((a, b) => a + b, 0) ?? 0,
        maxLatency: Math.max(0, ...(latency?.Values ?? [])),
      };
    };
    const before = await read();
    for (let n = 0; n < 5; n += 1) await invoke('route-ep');
    const after = await read();
    expect(after.invocations - before.invocations).toBe(5);
    // ModelLatency is in microseconds, as SageMaker reports it.
    expect(after.maxLatency).toBeGreaterThan(10);
  });

  it('answers ValidationError for an endpoint that does not exist', async () => {
    await expect(
      fx.runtime.send(
        new InvokeEndpointCommand({ EndpointName: 'ghost', ContentType: 'application/json', Body: QUERY }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Endpoint ghost of account 123456789012 not found.',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('replaces a crashed instance while the endpoint stays InService and keeps serving', async () => {
    const [victim, survivor] = servingInstances('route-ep');
    const killed = await fetch(`${fx.region.url}/_warmgate/instances/${victim?.id}/kill`, { method: 'POST' });
    expect(killed.status).toBe(200);
    const statuses = new Set<string>();
    const replaced = await eventually(async () => {
      const described = await fx.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'route-ep' }));
      statuses.add(described.EndpointStatus ?? '');
      const answer = await invoke('route-ep');
      expect(answer.status).toBe(200);
      const ids = servingInstances('route-ep')
        .filter((i) => i.phase === 'in-service')
        .map((i) => i.id);
      return ids.length === 2 && !ids.includes(victim?.id as never) ? ids : undefined;
    });
    expect(statuses).toEqual(new Set(['InService']));
    expect(replaced).toContain(survivor?.id);
    expect(processAlive(victim?.pid as number)).toBe(false);
  });

  it('answers ServiceUnavailable when no instance is passing /ping, and serves again once one does', async () => {
    const [only] = await createEndpointInService(fx, 'sick-ep').then(() => servingInstances('sick-ep'));
    const slow = (delayMs: number) =>
      fetch(`${fx.region.url}/_warmgate/instances/${only?.id}/slow-ping`, {
        method: 'POST',
        body: JSON.stringify({ delayMs }),
      });
    await slow(2500);
    await eventually(() => (servingInstances('sick-ep')[0]?.phase === 'unhealthy' ? true : undefined));
    await expect(
      fx.runtime.send(
        new InvokeEndpointCommand({ EndpointName: 'sick-ep', ContentType: 'application/json', Body: QUERY }),
      ),
    ).rejects.toMatchObject({ name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });
    await slow(0);
    await eventually(async () => ((await invoke('sick-ep')).status === 200 ? true : undefined));
  });

  it("fails creation with SageMaker's FailureReason when the container exits", async () => {
    await createBrokenModel('broken-model');
    await fx.sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'broken-config',
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: 'broken-model',
            InstanceType: 'ml.m5.large',
            InitialInstanceCount: 1,
          },
        ],
      }),
    );
    await fx.sagemaker.send(
      new CreateEndpointCommand({ EndpointName: 'broken-ep', EndpointConfigName: 'broken-config' }),
    );
    const failed = await waitForStatus(fx, 'broken-ep', (s) => s !== 'Creating');
    expect(failed.EndpointStatus).toBe('Failed');
    expect(failed.FailureReason).toBe(
      'The primary container for production variant AllTraffic did not pass the ping health check. Please check CloudWatch logs for this endpoint.',
    );
    expect(view('broken-ep').fleets.flatMap((f) => f.instances)).toEqual([]);
  });

  it('fails creation when /ping does not pass within ContainerStartupHealthCheckTimeoutInSeconds', async () => {
    await createModelAndConfig(
      fx,
      { model: 'slow-model', config: 'slow-config' },
      { ContainerStartupHealthCheckTimeoutInSeconds: 60 },
    );
    await fx.sagemaker.send(
      new CreateEndpointCommand({ EndpointName: 'slow-ep', EndpointConfigName: 'slow-config' }),
    );
    const id = await eventually(() => view('slow-ep').fleets[0]?.instances[0]?.id);
    const slowed = await fetch(`${fx.region.url}/_warmgate/instances/${id}/slow-ping`, {
      method: 'POST',
      body: JSON.stringify({ delayMs: 2500 }),
    });
    expect(slowed.status).toBe(200);
    expect((await invoke('slow-ep')).body).toContain('Endpoint slow-ep of account 123456789012 not found.');
    const failed = await waitForStatus(fx, 'slow-ep', (s) => s !== 'Creating');
    expect(failed.EndpointStatus).toBe('Failed');
    expect(failed.FailureReason).toContain('did not pass the ping health check');
  });

  it('adds capacity with UpdateEndpointWeightsAndCapacities, routing to a new instance only after its /ping passes', async () => {
    await createEndpointInService(fx, 'cap-ep');
    const [original] = servingInstances('cap-ep');
    await fx.sagemaker.send(
      new UpdateEndpointWeightsAndCapacitiesCommand({
        EndpointName: 'cap-ep',
        DesiredWeightsAndCapacities: [{ VariantName: 'AllTraffic', DesiredInstanceCount: 2 }],
      }),
    );
    const updating = await fx.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'cap-ep' }));
    expect(updating.EndpointStatus).toBe('Updating');
    expect(updating.ProductionVariants?.[0]).toMatchObject({
      DesiredInstanceCount: 2,
      CurrentInstanceCount: 1,
    });
    // Hold the new instance's /ping failing: until it passes, every request goes to the original.
    const added = await eventually(() => servingInstances('cap-ep').find((i) => i.id !== original?.id));
    await fetch(`${fx.region.url}/_warmgate/instances/${added.id}/slow-ping`, {
      method: 'POST',
      body: JSON.stringify({ delayMs: 2500 }),
    });
    await eventually(() =>
      servingInstances('cap-ep').find((i) => i.id === added.id)?.pid ? true : undefined,
    );
    for (let n = 0; n < 10; n += 1) expect((await invoke('cap-ep')).instance).toBe(original?.id);
    expect(servingInstances('cap-ep').find((i) => i.id === added.id)?.pingPassed).toBe(false);
    await fetch(`${fx.region.url}/_warmgate/instances/${added.id}/slow-ping`, {
      method: 'POST',
      body: JSON.stringify({ delayMs: 0 }),
    });
    const done = await waitForStatus(fx, 'cap-ep', (s) => s === 'InService');
    expect(done.ProductionVariants?.[0]).toMatchObject({ DesiredInstanceCount: 2, CurrentInstanceCount: 2 });
  });

  it('keeps the live instance count with RetainAllVariantProperties', async () => {
    await createModelAndConfig(
      fx,
      { model: 'cap-model-2', config: 'cap-config-2' },
      { InitialInstanceCount: 1 },
    );
    await fx.sagemaker.send(
      new UpdateEndpointCommand({
        EndpointName: 'cap-ep',
        EndpointConfigName: 'cap-config-2',
        RetainAllVariantProperties: true,
      }),
    );
    const done = await waitForStatus(fx, 'cap-ep', (s) => s === 'InService');
    expect(done.EndpointConfigName).toBe('cap-config-2');
    expect(done.ProductionVariants?.[0]).toMatchObject({ DesiredInstanceCount: 2, CurrentInstanceCount: 2 });
  });

  it('updates blue/green: the old fleet serves until the new one passes /ping, then retires', async () => {
    await createEndpointInService(fx, 'bg-ep');
    const [blue] = servingInstances('bg-ep');
    await createModelAndConfig(fx, { model: 'bg-model-2', config: 'bg-config-2' });
    await fx.sagemaker.send(
      new UpdateEndpointCommand({ EndpointName: 'bg-ep', EndpointConfigName: 'bg-config-2' }),
    );
    const updating = await fx.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'bg-ep' }));
    expect(updating.EndpointStatus).toBe('Updating');
    expect(updating.EndpointConfigName).toBe('bg-ep-config');
    expect(updating.PendingDeploymentSummary?.EndpointConfigName).toBe('bg-config-2');
    expect((await invoke('bg-ep')).instance).toBe(blue?.id);

    await expect(
      fx.sagemaker.send(
        new UpdateEndpointCommand({ EndpointName: 'bg-ep', EndpointConfigName: 'bg-config-2' }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message:
        'Cannot update in-progress endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/bg-ep".',
    });

    const done = await waitForStatus(fx, 'bg-ep', (s) => s === 'InService');
    expect(done.EndpointConfigName).toBe('bg-config-2');
    expect(done.PendingDeploymentSummary).toBeUndefined();
    const [green] = servingInstances('bg-ep');
    expect(green?.id).not.toBe(blue?.id);
    expect((await invoke('bg-ep')).instance).toBe(green?.id);
    await eventually(() => (processAlive(blue?.pid as number) ? undefined : true));
  });

  it('keeps the old fleet, without traffic, for TerminationWaitInSeconds after the switch', async () => {
    await createEndpointInService(fx, 'tw-ep');
    const [blue] = servingInstances('tw-ep');
    await createModelAndConfig(fx, { model: 'tw-model-2', config: 'tw-config-2' });
    await fx.sagemaker.send(
      new UpdateEndpointCommand({
        EndpointName: 'tw-ep',
        EndpointConfigName: 'tw-config-2',
        DeploymentConfig: {
          BlueGreenUpdatePolicy: {
            TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 },
            TerminationWaitInSeconds: 60,
          },
        },
      }),
    );
    const retiring = await eventually(() => view('tw-ep').fleets.find((f) => f.role === 'retiring'));
    expect(retiring.instances.map((i) => i.id)).toEqual([blue?.id]);
    expect(processAlive(blue?.pid as number)).toBe(true);
    const [green] = servingInstances('tw-ep');
    expect((await invoke('tw-ep')).instance).toBe(green?.id);
    expect(
      (await fx.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'tw-ep' }))).EndpointStatus,
    ).toBe('Updating');
    await waitForStatus(fx, 'tw-ep', (s) => s === 'InService');
    expect(view('tw-ep').fleets.map((f) => f.role)).toEqual(['current']);
  });

  it('serves a model whose ModelDataUrl is a file:// .tar.gz, extracted per instance', async () => {
    const tarball = join(fx.modelDir, '..', 'model.tar.gz');
    execFileSync('tar', ['-czf', tarball, '-C', fx.modelDir, '.']);
    await fx.sagemaker.send(
      new CreateModelCommand({
        ModelName: 'tar-model',
        PrimaryContainer: { Image: IMAGE, ModelDataUrl: `file://${tarball}` },
      }),
    );
    await fx.sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'tar-config',
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: 'tar-model',
            InstanceType: 'ml.m5.large',
            InitialInstanceCount: 1,
          },
        ],
      }),
    );
    await fx.sagemaker.send(
      new CreateEndpointCommand({ EndpointName: 'tar-ep', EndpointConfigName: 'tar-config' }),
    );
    expect((await waitForStatus(fx, 'tar-ep', (s) => s !== 'Creating')).EndpointStatus).toBe('InService');
    const answer = await invoke('tar-ep');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).results.length).toBeGreaterThan(0);
  });

  it('refuses an update to the endpoint config already in use', async () => {
    await expect(
      fx.sagemaker.send(
        new UpdateEndpointCommand({ EndpointName: 'bg-ep', EndpointConfigName: 'bg-config-2' }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('current endpoint configuration'),
    });
  });

  it('returns to InService on the old config with a FailureReason when the new fleet fails', async () => {
    const [serving] = servingInstances('bg-ep');
    await createBrokenModel('bg-broken-model');
    await fx.sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'bg-broken-config',
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: 'bg-broken-model',
            InstanceType: 'ml.m5.large',
            InitialInstanceCount: 1,
          },
        ],
      }),
    );
    await fx.sagemaker.send(
      new UpdateEndpointCommand({ EndpointName: 'bg-ep', EndpointConfigName: 'bg-broken-config' }),
    );
    const seen = new Set<string>();
    const after = await waitForStatus(fx, 'bg-ep', (status, described) => {
      seen.add(status ?? '');
      return status === 'InService' && described.FailureReason !== undefined;
    });
    expect(seen).not.toContain('Failed');
    expect(after.EndpointConfigName).toBe('bg-config-2');
    expect(after.FailureReason).toContain('did not pass the ping health check');
    expect((await invoke('bg-ep')).instance).toBe(serving?.id);
  });

  it('splits traffic during a canary and rolls back when an auto-rollback alarm fires', async () => {
    await createEndpointInService(fx, 'canary-ep', { InitialInstanceCount: 2 });
    const blue = new Set<string>(servingInstances('canary-ep').map((i) => i.id));
    await createModelAndConfig(
      fx,
      { model: 'canary-model-2', config: 'canary-config-2' },
      { InitialInstanceCount: 2 },
    );
    await fx.cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'canary-errors',
        Namespace: 'Test/Canary',
        MetricName: 'Errors',
        Statistic: 'Maximum',
        Period: 10,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    await fx.sagemaker.send(
      new UpdateEndpointCommand({
        EndpointName: 'canary-ep',
        EndpointConfigName: 'canary-config-2',
        DeploymentConfig: {
          BlueGreenUpdatePolicy: {
            TrafficRoutingConfiguration: {
              Type: 'CANARY',
              WaitIntervalInSeconds: 1200,
              CanarySize: { Type: 'INSTANCE_COUNT', Value: 1 },
            },
          },
          AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'canary-errors' }] },
        },
      }),
    );
    await eventually(() => (view('canary-ep').pendingShare === 0.5 ? true : undefined));
    const served = await Promise.all(Array.from({ length: 8 }, () => invoke('canary-ep')));
    const green = served.filter((s) => s.instance && !blue.has(s.instance));
    expect(green.length).toBeGreaterThan(0);
    expect(green.length).toBeLessThan(served.length);

    await fx.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'Test/Canary',
        MetricData: [{ MetricName: 'Errors', Value: 3 }],
      }),
    );
    const after = await waitForStatus(
      fx,
      'canary-ep',
      (s, d) => s === 'InService' && d.FailureReason !== undefined,
    );
    expect(after.EndpointConfigName).toBe('canary-ep-config');
    expect(after.FailureReason).toContain('canary-errors');
    const served2 = await Promise.all(Array.from({ length: 4 }, () => invoke('canary-ep')));
    expect(served2.every((s) => s.instance !== null && blue.has(s.instance))).toBe(true);
  });

  it('starts instances without the readiness gate when the model sets WARMGATE_GATE=off', async () => {
    await createEndpointInService(fx, 'naive-ep', {}, { WARMGATE_GATE: 'off' });
    const [instance] = servingInstances('naive-ep');
    const status = (await (await fetch(`http://127.0.0.1:${instance?.port}/status`)).json()) as {
      gated: boolean;
    };
    expect(status.gated).toBe(false);
  });
});
