import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  type ProductionVariantInstanceType,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import type {
  BlueGreenDeployment,
  EndpointConfigSpec,
  EndpointHost,
  ModelSpec,
} from '../../core/ports/endpoint-host.js';
import { callAws } from './aws-errors.js';
import { SageMakerEndpointReader } from './sagemaker-endpoint-reader.js';

/**
 * {@link EndpointHost} over the SageMaker API (AWS or the local region, chosen by the client's
 * endpoint). "Already exists" on a create is success: names are content-hashed, so an existing
 * resource under the same name is the one this step meant to create.
 */
export class SageMakerEndpointHost extends SageMakerEndpointReader implements EndpointHost {
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
