/**
 * Shared plumbing for the local-region benchmarks: an SDK client aimed at a region and a
 * one-instance endpoint serving the example model.
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';

/** A SageMaker client for the region at `url`, with the dummy credentials it accepts. */
export function benchSageMaker(url: string): SageMakerClient {
  return new SageMakerClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
}

/** Creates model and config `name` for the example model in `modelDir` (`instances` × ml.m5.large). */
export async function createBenchConfig(
  sagemaker: SageMakerClient,
  name: string,
  modelDir: string,
  instances = 1,
): Promise<void> {
  await sagemaker.send(
    new CreateModelCommand({
      ModelName: name,
      PrimaryContainer: { Image: 'warmgate-container:bench', ModelDataUrl: `file://${modelDir}` },
    }),
  );
  await sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: name,
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: name,
          InstanceType: 'ml.m5.large',
          InitialInstanceCount: instances,
        },
      ],
    }),
  );
}

/** Creates endpoint `name` on config `config` and polls every `everyMs` until it is InService. */
export async function createEndpointAndWait(
  sagemaker: SageMakerClient,
  name: string,
  config: string,
  everyMs = 10,
): Promise<void> {
  await sagemaker.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: config }));
  for (;;) {
    const described = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
    if (described.EndpointStatus === 'InService') return;
    if (described.EndpointStatus === 'Failed') throw new Error(described.FailureReason);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
