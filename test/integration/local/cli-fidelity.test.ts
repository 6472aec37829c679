import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, IMAGE, type RegionFixture, startFixture, waitForStatus } from './region-fixture.js';

let fx: RegionFixture;
let workDir: string;

/**
 * The CLI's SageMaker waiters poll every 30 s. A copy of botocore's own waiter model with the
 * delay set to 1 s (AWS_DATA_PATH is botocore's documented override) keeps the acceptors exactly
 * as shipped while letting a test wait through a real Creating → InService transition.
 */
function fastWaiterDataPath(dir: string): string {
  const python = 'import botocore, os; print(os.path.dirname(botocore.__file__))';
  const botocore = execFileSync('python3', ['-c', python], { encoding: 'utf8' }).trim();
  const waiters = JSON.parse(
    readFileSync(join(botocore, 'data/sagemaker/2017-07-24/waiters-2.json'), 'utf8'),
  );
  for (const waiter of Object.values(waiters.waiters) as { delay: number }[]) waiter.delay = 1;
  const target = join(dir, 'sagemaker', '2017-07-24');
  mkdirSync(target, { recursive: true });
  writeFileSync(join(target, 'waiters-2.json'), JSON.stringify(waiters));
  return dir;
}

// ml.m5.xlarge instances take 5 s to provision, so an update to them stays Updating long enough
// for a second CLI call (each costs about a second of Python start-up).
beforeAll(async () => {
  fx = await startFixture({ provisioningDelayByType: { 'ml.m5.xlarge': 5000 } });
  workDir = join(fx.modelDir, '..');
});

afterAll(async () => {
  await fx?.close();
});

function json(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('AWS CLI against the local region', () => {
  it('creates an endpoint and waits through Creating to InService with `sagemaker wait endpoint-in-service`', async () => {
    const model = await aws(fx, [
      'sagemaker',
      'create-model',
      '--model-name',
      'cli-model',
      '--primary-container',
      `Image=${IMAGE},ModelDataUrl=file://${fx.modelDir}`,
      '--execution-role-arn',
      'arn:aws:iam::123456789012:role/test',
    ]);
    expect(model.status).toBe(0);
    expect(json(model.stdout).ModelArn).toBe('arn:aws:sagemaker:us-east-1:123456789012:model/cli-model');
    const config = await aws(fx, [
      'sagemaker',
      'create-endpoint-config',
      '--endpoint-config-name',
      'cli-config',
      '--production-variants',
      'VariantName=AllTraffic,ModelName=cli-model,InstanceType=ml.m5.large,InitialInstanceCount=1',
    ]);
    expect(config.status).toBe(0);
    const created = await aws(fx, [
      'sagemaker',
      'create-endpoint',
      '--endpoint-name',
      'cli-ep',
      '--endpoint-config-name',
      'cli-config',
    ]);
    expect(created.status).toBe(0);
    const waited = await aws(
      { ...fx, cliEnv: { ...fx.cliEnv, AWS_DATA_PATH: fastWaiterDataPath(join(workDir, 'botocore-data')) } },
      ['sagemaker', 'wait', 'endpoint-in-service', '--endpoint-name', 'cli-ep'],
    );
    expect(waited).toMatchObject({ status: 0, stderr: '' });
  });

  it('describes the endpoint with the fields the SDK sees', async () => {
    const described = await aws(fx, ['sagemaker', 'describe-endpoint', '--endpoint-name', 'cli-ep']);
    expect(described.status).toBe(0);
    expect(json(described.stdout)).toMatchObject({
      EndpointName: 'cli-ep',
      EndpointStatus: 'InService',
      EndpointConfigName: 'cli-config',
      ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 1, DesiredInstanceCount: 1 }],
    });
  });

  it('lists the model and config behind the endpoint with `list-models` and `list-endpoint-configs`', async () => {
    const models = await aws(fx, ['sagemaker', 'list-models', '--name-contains', 'cli-']);
    expect(models.status).toBe(0);
    expect((json(models.stdout).Models as Array<{ ModelName: string }>).map((m) => m.ModelName)).toContain(
      'cli-model',
    );
    const configs = await aws(fx, [
      'sagemaker',
      'list-endpoint-configs',
      '--sort-by',
      'Name',
      '--sort-order',
      'Ascending',
    ]);
    expect(configs.status).toBe(0);
    const names = (json(configs.stdout).EndpointConfigs as Array<{ EndpointConfigName: string }>).map(
      (c) => c.EndpointConfigName,
    );
    expect(names).toContain('cli-config');
    expect([...names].sort()).toEqual(names);
  });

  it('fails `wait endpoint-in-service` on a missing endpoint at once, as against AWS', async () => {
    const waited = await aws(fx, ['sagemaker', 'wait', 'endpoint-in-service', '--endpoint-name', 'ghost']);
    expect(waited.status).toBe(255);
    expect(waited.stderr.trim()).toBe(
      'Waiter EndpointInService failed: Waiter encountered a terminal failure state: Matched expected service error code: ValidationException',
    );
  });

  it('fails `wait endpoint-in-service` on an endpoint that went to Failed', async () => {
    await fx.sagemaker.send(
      new CreateModelCommand({
        ModelName: 'cli-broken',
        PrimaryContainer: {
          Image: IMAGE,
          ModelDataUrl: `file://${fx.brokenModelDir}`,
          Environment: { WARMGATE_FAIL_GRACE_MS: '0' },
        },
      }),
    );
    await fx.sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'cli-broken-config',
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: 'cli-broken',
            InstanceType: 'ml.m5.large',
            InitialInstanceCount: 1,
          },
        ],
      }),
    );
    await fx.sagemaker.send(
      new CreateEndpointCommand({ EndpointName: 'cli-failed', EndpointConfigName: 'cli-broken-config' }),
    );
    await waitForStatus(fx, 'cli-failed', (s) => s === 'Failed');
    const waited = await aws(fx, [
      'sagemaker',
      'wait',
      'endpoint-in-service',
      '--endpoint-name',
      'cli-failed',
    ]);
    expect(waited.status).toBe(255);
    expect(waited.stderr).toContain('Waiter encountered a terminal failure state');
    expect(waited.stderr).toContain('"Failed"');
  });

  it('invokes the endpoint with `sagemaker-runtime invoke-endpoint` and writes the model answer', async () => {
    const outfile = join(workDir, 'answer.json');
    const invoked = await aws(fx, [
      'sagemaker-runtime',
      'invoke-endpoint',
      '--endpoint-name',
      'cli-ep',
      '--content-type',
      'application/json',
      '--body',
      JSON.stringify({ query: 'quiet slice of life in a seaside town' }),
      outfile,
    ]);
    expect(invoked.status).toBe(0);
    expect(json(invoked.stdout)).toMatchObject({
      ContentType: 'application/json',
      InvokedProductionVariant: 'AllTraffic',
    });
    const answer = JSON.parse(readFileSync(outfile, 'utf8')) as { results: unknown[] };
    expect(answer.results.length).toBeGreaterThan(0);
  });

  it("reports a missing endpoint from `invoke-endpoint` with SageMaker Runtime's ValidationError", async () => {
    const invoked = await aws(fx, [
      'sagemaker-runtime',
      'invoke-endpoint',
      '--endpoint-name',
      'ghost',
      '--body',
      '{}',
      join(workDir, 'x'),
    ]);
    expect(invoked.status).toBe(255);
    expect(invoked.stderr.trim()).toBe(
      'An error occurred (ValidationError) when calling the InvokeEndpoint operation: Endpoint ghost of account 123456789012 not found.',
    );
  });

  it('updates with `update-endpoint`, refuses a second update while Updating, and reaches InService', async () => {
    await fx.sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'cli-config-2',
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: 'cli-model',
            InstanceType: 'ml.m5.xlarge',
            InitialInstanceCount: 1,
          },
        ],
      }),
    );
    const updated = await aws(fx, [
      'sagemaker',
      'update-endpoint',
      '--endpoint-name',
      'cli-ep',
      '--endpoint-config-name',
      'cli-config-2',
    ]);
    expect(updated.status).toBe(0);
    expect(json(updated.stdout).EndpointArn).toBe('arn:aws:sagemaker:us-east-1:123456789012:endpoint/cli-ep');
    const again = await aws(fx, [
      'sagemaker',
      'update-endpoint',
      '--endpoint-name',
      'cli-ep',
      '--endpoint-config-name',
      'cli-config-2',
    ]);
    expect(again.status).toBe(255);
    expect(again.stderr.trim()).toBe(
      'An error occurred (ValidationException) when calling the UpdateEndpoint operation: Cannot update in-progress endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/cli-ep".',
    );
    const done = await waitForStatus(fx, 'cli-ep', (s) => s === 'InService');
    expect(done.EndpointConfigName).toBe('cli-config-2');
    // The update resolved its image anew: DeployedImages is the update's, not the creation's.
    // (awscli v1 prints SageMaker's timestamps as the epoch seconds the JSON protocol carries.)
    const described = json(
      (await aws(fx, ['sagemaker', 'describe-endpoint', '--endpoint-name', 'cli-ep'])).stdout,
    ) as {
      CreationTime: number;
      ProductionVariants: Array<{ DeployedImages: Array<{ ResolutionTime: number }> }>;
    };
    expect(described.ProductionVariants[0]?.DeployedImages[0]?.ResolutionTime).toBeGreaterThan(
      described.CreationTime,
    );
  });

  it('refuses `update-endpoint` to the config already in use', async () => {
    const same = await aws(fx, [
      'sagemaker',
      'update-endpoint',
      '--endpoint-name',
      'cli-ep',
      '--endpoint-config-name',
      'cli-config-2',
    ]);
    expect(same.status).toBe(255);
    expect(same.stderr).toContain(
      'An error occurred (ValidationException) when calling the UpdateEndpoint operation: Cannot update endpoint',
    );
  });

  it('lists a registered variant with `application-autoscaling describe-scalable-targets`', async () => {
    const registered = await aws(fx, [
      'application-autoscaling',
      'register-scalable-target',
      '--service-namespace',
      'sagemaker',
      '--resource-id',
      'endpoint/cli-ep/variant/AllTraffic',
      '--scalable-dimension',
      'sagemaker:variant:DesiredInstanceCount',
      '--min-capacity',
      '1',
      '--max-capacity',
      '3',
    ]);
    expect(registered.status).toBe(0);
    const listed = await aws(fx, [
      'application-autoscaling',
      'describe-scalable-targets',
      '--service-namespace',
      'sagemaker',
    ]);
    expect(listed.status).toBe(0);
    expect(json(listed.stdout).ScalableTargets).toEqual([
      expect.objectContaining({
        ServiceNamespace: 'sagemaker',
        ResourceId: 'endpoint/cli-ep/variant/AllTraffic',
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        MinCapacity: 1,
        MaxCapacity: 3,
      }),
    ]);
    const missing = await aws(fx, [
      'application-autoscaling',
      'deregister-scalable-target',
      '--service-namespace',
      'sagemaker',
      '--resource-id',
      'endpoint/ghost/variant/AllTraffic',
      '--scalable-dimension',
      'sagemaker:variant:DesiredInstanceCount',
    ]);
    expect(missing.status).toBe(255);
    expect(missing.stderr).toContain(
      'An error occurred (ObjectNotFoundException) when calling the DeregisterScalableTarget operation',
    );
  });

  it('answers UnknownOperationException for a SageMaker operation the region does not serve', async () => {
    const unknown = await aws(fx, ['sagemaker', 'list-training-jobs']);
    expect(unknown.status).toBe(255);
    expect(unknown.stderr).toContain(
      'An error occurred (UnknownOperationException) when calling the ListTrainingJobs operation',
    );
  });

  it('succeeds `wait endpoint-deleted` once the endpoint is gone', async () => {
    expect((await aws(fx, ['sagemaker', 'delete-endpoint', '--endpoint-name', 'cli-failed'])).status).toBe(0);
    const fast = { ...fx, cliEnv: { ...fx.cliEnv, AWS_DATA_PATH: join(workDir, 'botocore-data') } };
    const waited = await aws(fast, [
      'sagemaker',
      'wait',
      'endpoint-deleted',
      '--endpoint-name',
      'cli-failed',
    ]);
    expect(waited).toMatchObject({ status: 0, stderr: '' });
  });
});
