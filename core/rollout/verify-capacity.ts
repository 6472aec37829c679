import * as z from 'zod';
import { capacityVerdict, describeShortfall } from '../capacity-verdict.js';
import { CapacityNotReadyError, DeploymentFailedError } from '../errors.js';
import {
  type EndpointConfigName,
  endpointNameSchema,
  type VariantName,
  variantNameSchema,
} from '../names.js';
import type { EndpointHost } from '../ports/endpoint-host.js';
import type { EndpointInvoker, Invocation } from '../ports/invoker.js';
import { parseOrThrow } from '../validation.js';
import { type SmokeShape, smokeShapeSchema } from './rollout-plan.js';

/** The verify step's evidence, recorded in the execution and the audit log. */
export interface VerificationReport {
  readonly instances: number;
  /** When the last smoke call answered (ISO 8601): the moment the capacity was proven warm. */
  readonly verifiedAt: string;
  readonly smoke: ReadonlyArray<{
    readonly shape: string;
    readonly latencyMs: number;
    readonly instanceId?: string;
  }>;
}

export interface VerifyTarget {
  readonly endpoint: string;
  readonly variant: VariantName;
  readonly image?: string;
  readonly configName?: string;
  readonly minInstances: number;
  readonly smoke: { readonly latencyBudgetMs: number; readonly shapes: readonly SmokeShape[] };
}

const verifyTargetSchema = z.strictObject({
  endpoint: endpointNameSchema,
  variant: variantNameSchema,
  image: z.string().min(1).optional(),
  configName: z.string().min(1).optional(),
  minInstances: z.number().int().min(2, 'must be at least 2: one instance is not warm capacity'),
  smoke: z.object({
    latencyBudgetMs: z.number().positive(),
    shapes: z.array(smokeShapeSchema),
  }),
});

/**
 * Reads a verify target built by a state machine's Parameters.
 *
 * @throws ValidationError naming the bad field.
 */
export function readVerifyTarget(value: unknown): VerifyTarget {
  return parseOrThrow(verifyTargetSchema, value) as VerifyTarget;
}

/**
 * Proves the capacity is really there and warm: the capacity verdict (InService, enough
 * instances, no pending deployment, the requested image and config live), then one InvokeEndpoint
 * per warmup shape within the latency budget. Shared by rollouts and pre-warms.
 *
 * @throws CapacityNotReadyError (retryable) while instances are still missing.
 * @throws DeploymentFailedError when SageMaker rolled back, the endpoint failed, or a smoke call
 *   failed or blew its budget (a cold instance is exactly what this catches).
 */
export async function verifyCapacity(
  deps: { host: EndpointHost; invoker: EndpointInvoker; now: () => number },
  target: VerifyTarget,
): Promise<VerificationReport> {
  const state = await deps.host.describeEndpoint(target.endpoint);
  if (!state) throw new DeploymentFailedError(`endpoint ${target.endpoint} does not exist`);
  const verdict = capacityVerdict(state, {
    variant: target.variant,
    minInstances: target.minInstances,
    ...(target.image === undefined ? {} : { image: target.image }),
    ...(target.configName === undefined ? {} : { configName: target.configName as EndpointConfigName }),
  });
  switch (verdict.kind) {
    case 'rolled-back':
    case 'failed':
      throw new DeploymentFailedError(verdict.reason);
    case 'not-ready':
      throw new CapacityNotReadyError(
        `capacity on ${target.endpoint} is not ready: ${verdict.shortfalls.map(describeShortfall).join('; ')}`,
      );
    case 'ready':
      break;
  }

  const smoke: Array<{ shape: string; latencyMs: number; instanceId?: string }> = [];
  for (const shape of target.smoke.shapes) {
    const result: Invocation = await deps.invoker.invoke(target.endpoint, shape.body, deps.now);
    if (result.status === 'error') {
      throw new DeploymentFailedError(
        `smoke request "${shape.name}" failed: ${result.error ?? 'unknown error'}`,
      );
    }
    if (result.latencyMs > target.smoke.latencyBudgetMs) {
      throw new DeploymentFailedError(
        `smoke request "${shape.name}" took ${Math.round(result.latencyMs)} ms, over the ${target.smoke.latencyBudgetMs} ms budget`,
      );
    }
    smoke.push({
      shape: shape.name,
      latencyMs: Math.round(result.latencyMs * 10) / 10,
      ...(result.instanceId ? { instanceId: result.instanceId } : {}),
    });
  }
  return { instances: verdict.instances, verifiedAt: new Date(deps.now()).toISOString(), smoke };
}
