import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  type DescribeEndpointCommandOutput,
  DescribeEndpointConfigCommand,
  type ProductionVariantInstanceType,
  type SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { type EndpointState, isEndpointStatus } from '../../core/endpoint-state.js';
import { NotFoundError, ServiceError } from '../../core/errors.js';
import type { EndpointConfigName, EndpointName, VariantName } from '../../core/names.js';
import type {
  BlueGreenDeployment,
  EndpointConfigSpec,
  EndpointConfigView,
  EndpointHost,
  ModelSpec,
} from '../../core/ports/endpoint-host.js';
import { callAws } from './aws-errors.js';

/**
 * {@link EndpointHost} over the SageMaker API (AWS or the local region, chosen by the client's
 * endpoint). "Already exists" on a create is success: names are content-hashed, so an existing
 * resource under the same name is the one this step meant to create.
 */
export class SageMakerEndpointHost implements EndpointHost {
  constructor(private readonly client: SageMakerClient) {}

  async describeEndpoint(name: string): Promise<EndpointState | undefined> {
    try {
      const out = await callAws('DescribeEndpoint', () =>
        this.client.send(new DescribeEndpointCommand({ EndpointName: name })),
      );
      return toEndpointState(out);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async describeEndpointConfig(name: string): Promise<EndpointConfigView | undefined> {
    try {
      const out = await callAws('DescribeEndpointConfig', () =>
        this.client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name })),
      );
      return {
        name,
        variants: (out.ProductionVariants ?? []).map((v) => ({
          name: v.VariantName ?? '',
          modelName: v.ModelName ?? '',
          instanceType: v.InstanceType ?? '',
        })),
      };
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async createModel(spec: ModelSpec): Promise<boolean> {
    return createIfAbsent('CreateModel', () =>
      this.client.send(
        new CreateModelCommand({
          ModelName: spec.name,
          ExecutionRoleArn: spec.executionRoleArn,
          PrimaryContainer: {
            Image: spec.image,
            ModelDataUrl: spec.modelDataUrl,
            Environment: { ...spec.environment },
          },
        }),
      ),
    );
  }

  async createEndpointConfig(spec: EndpointConfigSpec): Promise<boolean> {
    return createIfAbsent('CreateEndpointConfig', () =>
      this.client.send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: spec.name,
          ProductionVariants: [
            {
              VariantName: spec.variant,
              ModelName: spec.modelName,
              // core checked it against the known ml.* hosting types; the SDK's union is the same list.
              InstanceType: spec.instanceType as ProductionVariantInstanceType,
              InitialInstanceCount: spec.initialInstanceCount,
              ContainerStartupHealthCheckTimeoutInSeconds: spec.startupTimeoutSeconds,
              ModelDataDownloadTimeoutInSeconds: spec.modelDataDownloadTimeoutSeconds,
            },
          ],
        }),
      ),
    );
  }

  async createEndpoint(name: string, configName: string): Promise<void> {
    await callAws('CreateEndpoint', () =>
      this.client.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: configName })),
    );
  }

  async updateEndpoint(
    name: string,
    configName: string,
    options: { deployment: BlueGreenDeployment; retainInstanceCounts: boolean },
  ): Promise<void> {
    const { deployment } = options;
    const routing = deployment.trafficRouting;
    await callAws('UpdateEndpoint', () =>
      this.client.send(
        new UpdateEndpointCommand({
          EndpointName: name,
          EndpointConfigName: configName,
          RetainAllVariantProperties: options.retainInstanceCounts,
          DeploymentConfig: {
            BlueGreenUpdatePolicy: {
              TrafficRoutingConfiguration: {
                Type: routing.type,
                WaitIntervalInSeconds: routing.waitIntervalSeconds,
                ...(routing.type === 'CANARY'
                  ? { CanarySize: { Type: routing.size.type, Value: routing.size.value } }
                  : {}),
                ...(routing.type === 'LINEAR'
                  ? { LinearStepSize: { Type: routing.size.type, Value: routing.size.value } }
                  : {}),
              },
              TerminationWaitInSeconds: deployment.terminationWaitSeconds,
              ...(deployment.maximumExecutionTimeoutSeconds === undefined
                ? {}
                : { MaximumExecutionTimeoutInSeconds: deployment.maximumExecutionTimeoutSeconds }),
            },
            ...(deployment.rollbackAlarms.length > 0
              ? {
                  AutoRollbackConfiguration: {
                    Alarms: deployment.rollbackAlarms.map((AlarmName) => ({ AlarmName })),
                  },
                }
              : {}),
          },
        }),
      ),
    );
  }

  async deleteEndpoint(name: string): Promise<void> {
    await callAws('DeleteEndpoint', () =>
      this.client.send(new DeleteEndpointCommand({ EndpointName: name })),
    );
  }
}

async function createIfAbsent(action: string, create: () => Promise<unknown>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (error) {
    // SageMaker answers a duplicate name with ValidationException "Cannot create already existing ...".
    if (/already exist/i.test((error as Error).message ?? '')) return false;
    return callAws(action, () => Promise.reject(error));
  }
}

function toEndpointState(out: DescribeEndpointCommandOutput): EndpointState {
  const status = out.EndpointStatus;
  // A status this code does not know cannot be judged safely; fail loudly rather than guess.
  if (!isEndpointStatus(status)) {
    throw new ServiceError(`DescribeEndpoint returned an unknown EndpointStatus ${JSON.stringify(status)}`);
  }
  const pendingConfig = out.PendingDeploymentSummary?.EndpointConfigName;
  return {
    name: (out.EndpointName ?? '') as EndpointName,
    status,
    ...(out.FailureReason ? { failureReason: out.FailureReason } : {}),
    configName: (out.EndpointConfigName ?? '') as EndpointConfigName,
    variants: (out.ProductionVariants ?? []).map((v) => ({
      name: (v.VariantName ?? '') as VariantName,
      currentInstanceCount: v.CurrentInstanceCount,
      desiredInstanceCount: v.DesiredInstanceCount,
      deployedImages: (v.DeployedImages ?? []).map((image) => ({
        specifiedImage: image.SpecifiedImage ?? '',
        ...(image.ResolvedImage ? { resolvedImage: image.ResolvedImage } : {}),
      })),
    })),
    pendingDeployment: out.PendingDeploymentSummary !== undefined,
    ...(pendingConfig ? { pendingConfigName: pendingConfig as EndpointConfigName } : {}),
  };
}
