import { type EndpointState, type EndpointStatus, findVariant, type VariantState } from './endpoint-state.js';
import { endpointVerdict } from './endpoint-verdict.js';
import { MIN_FLOOR } from './floor.js';
import type { EndpointConfigName, VariantName } from './names.js';

/** What the caller asked for and now wants to see serving. */
export interface CapacityExpectation {
  readonly variant: VariantName;
  /** The image the rollout deployed. Omit for a pre-warm, which does not change images. */
  readonly image?: string;
  /** The endpoint config the rollout deployed; a different live config means a rollback. */
  readonly configName?: EndpointConfigName;
  /** Instances that must be InService; raised to 2 and to the desired count. Default 2. */
  readonly minInstances?: number;
}

/** One reason capacity is not there yet. Each is a condition that may still clear. */
export type CapacityShortfall =
  | { readonly code: 'not-in-service'; readonly status: EndpointStatus }
  | { readonly code: 'pending-deployment' }
  | { readonly code: 'variant-missing'; readonly variant: VariantName }
  | { readonly code: 'too-few-instances'; readonly current: number; readonly required: number }
  | { readonly code: 'image-not-deployed'; readonly image: string }
  | { readonly code: 'image-unreported' };

/**
 * Whether the endpoint really serves what was asked for.
 * - `ready`: InService, no pending deployment, at least max(2, desired, minInstances) instances,
 *   and (when asked) the requested image and config are the live ones.
 * - `not-ready`: keep polling while the deadline allows; `shortfalls` says what is missing.
 * - `rolled-back`: SageMaker finished the update on the *old* fleet. The endpoint looks healthy
 *   (InService), which is exactly why this must be told apart from success.
 * - `failed`: the endpoint is in a state polling cannot fix.
 */
export type CapacityVerdict =
  | { readonly kind: 'ready'; readonly instances: number }
  | { readonly kind: 'not-ready'; readonly shortfalls: readonly CapacityShortfall[] }
  | {
      readonly kind: 'rolled-back';
      readonly requestedImage: string | undefined;
      readonly deployedImages: readonly string[];
      readonly liveConfig: EndpointConfigName;
      readonly reason: string;
    }
  | { readonly kind: 'failed'; readonly reason: string };

/** Judges a described endpoint against what a rollout or pre-warm expects. Pure. */
export function capacityVerdict(state: EndpointState, expected: CapacityExpectation): CapacityVerdict {
  const endpoint = endpointVerdict(state);
  if (endpoint.kind === 'failed') return { kind: 'failed', reason: endpoint.reason };

  const variant = findVariant(state, expected.variant);
  const settled = endpoint.kind === 'done' && !state.pendingDeployment;
  const imageLive =
    expected.image === undefined || (variant !== undefined && runsImage(variant, expected.image));
  const configLive = expected.configName === undefined || state.configName === expected.configName;

  // Only a settled endpoint can be judged rolled back: mid-update, the old image is still expected.
  if (
    settled &&
    (!configLive || (variant !== undefined && variant.deployedImages.length > 0 && !imageLive))
  ) {
    const deployedImages = variant?.deployedImages.map((image) => image.specifiedImage) ?? [];
    return {
      kind: 'rolled-back',
      requestedImage: expected.image,
      deployedImages,
      liveConfig: state.configName,
      reason: `SageMaker rolled the update back: the endpoint is InService on config ${state.configName} running ${
        deployedImages.join(', ') || 'an unreported image'
      }${expected.image ? `, not ${expected.image}` : ''}${state.failureReason ? ` (${state.failureReason})` : ''}`,
    };
  }

  const shortfalls: CapacityShortfall[] = [];
  if (endpoint.kind === 'busy') shortfalls.push({ code: 'not-in-service', status: endpoint.status });
  if (state.pendingDeployment) shortfalls.push({ code: 'pending-deployment' });
  if (variant === undefined) {
    shortfalls.push({ code: 'variant-missing', variant: expected.variant });
    return { kind: 'not-ready', shortfalls };
  }
  const required = Math.max(MIN_FLOOR, variant.desiredInstanceCount ?? 0, expected.minInstances ?? 0);
  const current = variant.currentInstanceCount ?? 0;
  if (current < required) shortfalls.push({ code: 'too-few-instances', current, required });
  if (expected.image !== undefined && variant.deployedImages.length === 0) {
    shortfalls.push({ code: 'image-unreported' });
  } else if (expected.image !== undefined && !imageLive) {
    shortfalls.push({ code: 'image-not-deployed', image: expected.image });
  }
  return shortfalls.length === 0 ? { kind: 'ready', instances: current } : { kind: 'not-ready', shortfalls };
}

// DeployedImages reports both the image as given and its resolved digest; a request may name either.
function runsImage(variant: VariantState, image: string): boolean {
  return variant.deployedImages.some(
    (deployed) => deployed.specifiedImage === image || deployed.resolvedImage === image,
  );
}

/** One line per shortfall, for progress output and error causes. */
export function describeShortfall(shortfall: CapacityShortfall): string {
  switch (shortfall.code) {
    case 'not-in-service':
      return `endpoint is ${shortfall.status}, not InService`;
    case 'pending-deployment':
      return 'a deployment is still pending';
    case 'variant-missing':
      return `variant ${shortfall.variant} does not exist`;
    case 'too-few-instances':
      return `${shortfall.current} of ${shortfall.required} instances InService`;
    case 'image-not-deployed':
      return `image ${shortfall.image} is not deployed yet`;
    case 'image-unreported':
      return 'SageMaker has not reported the deployed image yet';
  }
}
