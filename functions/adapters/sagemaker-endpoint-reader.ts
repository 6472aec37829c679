import {
  DescribeEndpointCommand,
  type DescribeEndpointCommandOutput,
  DescribeEndpointConfigCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { type EndpointState, isEndpointStatus } from '../../core/endpoint-state.js';
import { NotFoundError, ServiceError } from '../../core/errors.js';
import type { EndpointConfigName, EndpointName, VariantName } from '../../core/names.js';
import type { EndpointConfigView, EndpointHost } from '../../core/ports/endpoint-host.js';
import { callAws } from './aws-errors.js';

/** The describe half of {@link EndpointHost}: all that a reader such as the dashboard calls. */
export type EndpointReader = Pick<EndpointHost, 'describeEndpoint' | 'describeEndpointConfig'>;

/**
 * {@link EndpointReader} over the SageMaker API. A module of its own so that a Lambda that only
 * reads (the dashboard, whose role may only describe) bundles none of the write commands'
 * request shapes; SageMakerEndpointHost builds on it.
 */
export class SageMakerEndpointReader implements EndpointReader {
  constructor(protected readonly client: SageMakerClient) {}

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
    ...(out.CreationTime ? { createdAt: out.CreationTime.toISOString() } : {}),
  };
}
