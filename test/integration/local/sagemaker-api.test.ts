import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListEndpointsCommand,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEndpointInService,
  createModelAndConfig,
  eventually,
  IMAGE,
  processAlive,
  type RegionFixture,
  startFixture,
} from './region-fixture.js';

let fx: RegionFixture;

beforeAll(async () => {
  fx = await startFixture();
});

afterAll(async () => {
  await fx?.close();
});

describe('SageMaker API of the local region', () => {
  it('describes a model and config as they were created when both exist', async () => {
    await createModelAndConfig(
      fx,
      { model: 'crud-model', config: 'crud-config' },
      { InitialInstanceCount: 2 },
    );
    const model = await fx.sagemaker.send(new DescribeModelCommand({ ModelName: 'crud-model' }));
    expect(model.ModelArn).toBe('arn:aws:sagemaker:us-east-1:123456789012:model/crud-model');
    expect(model.PrimaryContainer?.Image).toBe(IMAGE);
    expect(model.CreationTime).toBeInstanceOf(Date);
    const config = await fx.sagemaker.send(
      new DescribeEndpointConfigCommand({ EndpointConfigName: 'crud-config' }),
    );
    expect(config.ProductionVariants?.[0]).toMatchObject({
      VariantName: 'AllTraffic',
      InitialInstanceCount: 2,
      InitialVariantWeight: 1,
    });
  });

  it('refuses a second model with the same name with ValidationException', async () => {
    await expect(
      fx.sagemaker.send(
        new CreateModelCommand({
          ModelName: 'crud-model',
          PrimaryContainer: { Image: IMAGE, ModelDataUrl: `file://${fx.modelDir}` },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message:
        'Cannot create already existing model "arn:aws:sagemaker:us-east-1:123456789012:model/crud-model".',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('refuses an image that is not a warmgate container at CreateModel', async () => {
    await expect(
      fx.sagemaker.send(
        new CreateModelCommand({
          ModelName: 'foreign-image',
          PrimaryContainer: {
            Image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1',
            ModelDataUrl: `file://${fx.modelDir}`,
          },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('warmgate-container'),
    });
  });

  it('refuses S3 model data and a missing file at CreateModel', async () => {
    await expect(
      fx.sagemaker.send(
        new CreateModelCommand({
          ModelName: 's3-model',
          PrimaryContainer: { Image: IMAGE, ModelDataUrl: 's3://bucket/model.tar.gz' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('file://') });
    await expect(
      fx.sagemaker.send(
        new CreateModelCommand({
          ModelName: 'missing-model',
          PrimaryContainer: { Image: IMAGE, ModelDataUrl: 'file:///nonexistent/model.tar.gz' },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Could not access'),
    });
  });

  it('reports a missing endpoint as ValidationException with the endpoint ARN', async () => {
    await expect(
      fx.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'nope' })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Could not find endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/nope".',
    });
  });

  it('refuses a config whose model does not exist', async () => {
    await expect(
      fx.sagemaker.send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: 'orphan-config',
          ProductionVariants: [
            {
              VariantName: 'AllTraffic',
              ModelName: 'ghost',
              InstanceType: 'ml.m5.large',
              InitialInstanceCount: 1,
            },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('model/ghost') });
  });

  it('answers UnknownOperationException for an operation it does not serve', async () => {
    const response = await fetch(fx.region.url, {
      method: 'POST',
      headers: {
        'X-Amz-Target': 'SageMaker.CreateTrainingJob',
        'Content-Type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('brings an endpoint to InService with every instance passing /ping, then deletes it and its processes', async () => {
    const described = await createEndpointInService(fx, 'crud-ep', { InitialInstanceCount: 2 });
    expect(described.EndpointStatus).toBe('InService');
    expect(described.ProductionVariants?.[0]).toMatchObject({
      VariantName: 'AllTraffic',
      CurrentInstanceCount: 2,
      DesiredInstanceCount: 2,
      CurrentWeight: 1,
    });
    const [view] = fx.region.hosting.snapshot().filter((e) => e.name === 'crud-ep');
    const instances = view?.fleets.flatMap((f) => f.instances) ?? [];
    expect(instances).toHaveLength(2);
    expect(instances.every((i) => i.pingPassed && i.phase === 'in-service')).toBe(true);
    const pids = instances.map((i) => i.pid as number);
    expect(pids.every(processAlive)).toBe(true);

    const listed = await fx.sagemaker.send(new ListEndpointsCommand({ NameContains: 'crud-ep' }));
    expect(listed.Endpoints?.map((e) => [e.EndpointName, e.EndpointStatus])).toEqual([
      ['crud-ep', 'InService'],
    ]);

    await fx.sagemaker.send(new DeleteEndpointCommand({ EndpointName: 'crud-ep' }));
    await eventually(async () => {
      const gone = await fx.sagemaker
        .send(new DescribeEndpointCommand({ EndpointName: 'crud-ep' }))
        .then(() => false)
        .catch((error: { name?: string }) => error.name === 'ValidationException');
      return gone || undefined;
    });
    expect(pids.some(processAlive)).toBe(false);
  });

  it('refuses CreateEndpoint for a name that exists', async () => {
    await fx.sagemaker.send(
      new CreateEndpointCommand({ EndpointName: 'dup-ep', EndpointConfigName: 'crud-config' }),
    );
    await expect(
      fx.sagemaker.send(
        new CreateEndpointCommand({ EndpointName: 'dup-ep', EndpointConfigName: 'crud-config' }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('already existing endpoint'),
    });
    await fx.sagemaker.send(new DeleteEndpointCommand({ EndpointName: 'dup-ep' }));
    await fx.sagemaker.send(new DeleteModelCommand({ ModelName: 'crud-model' }));
  });
});
