import type { EndpointConfigName, EndpointName, VariantName } from './names.js';

/** Every status DescribeEndpoint reports, in SageMaker's spelling. */
export const ENDPOINT_STATUSES = [
  'OutOfService',
  'Creating',
  'Updating',
  'SystemUpdating',
  'RollingBack',
  'InService',
  'Deleting',
  'Failed',
  'UpdateRollbackFailed',
] as const;

export type EndpointStatus = (typeof ENDPOINT_STATUSES)[number];

/** True when `value` is one of SageMaker's endpoint statuses (adapters check what the API sent). */
export function isEndpointStatus(value: unknown): value is EndpointStatus {
  return (ENDPOINT_STATUSES as readonly unknown[]).includes(value);
}

/** One image a variant runs: as specified in CreateModel, and as ECR resolved it to a digest. */
export interface DeployedImage {
  readonly specifiedImage: string;
  readonly resolvedImage?: string;
}

/** One production variant as DescribeEndpoint reports it. */
export interface VariantState {
  readonly name: VariantName;
  /** Instances serving now (CurrentInstanceCount); undefined while SageMaker has not reported it. */
  readonly currentInstanceCount: number | undefined;
  /** Instances asked for (DesiredInstanceCount), by the config or by autoscaling. */
  readonly desiredInstanceCount: number | undefined;
  /** Not in DescribeEndpoint itself; adapters fill it from the endpoint config when they read it. */
  readonly instanceType?: string;
  readonly deployedImages: readonly DeployedImage[];
}

/**
 * The domain view of DescribeEndpoint: what verdicts need, in warmgate's words, so core never sees
 * an SDK type and the local region and AWS map to the same shape.
 */
export interface EndpointState {
  readonly name: EndpointName;
  readonly status: EndpointStatus;
  /** Set after a failed create or update; stays set after SageMaker rolls an update back. */
  readonly failureReason?: string;
  readonly configName: EndpointConfigName;
  readonly variants: readonly VariantState[];
  /** True while PendingDeploymentSummary is present: a deployment has not finished. */
  readonly pendingDeployment: boolean;
  /**
   * The config being deployed (PendingDeploymentSummary.EndpointConfigName). `configName` stays
   * on the old config until an update completes, so this is how a retried step recognises that
   * its own update is already under way.
   */
  readonly pendingConfigName?: EndpointConfigName;
  /** When SageMaker created the endpoint (CreationTime, ISO 8601). */
  readonly createdAt?: string;
}

/** The variant called `name`, or undefined when the endpoint has no such variant. */
export function findVariant(state: EndpointState, name: VariantName): VariantState | undefined {
  return state.variants.find((variant) => variant.name === name);
}
