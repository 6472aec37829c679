import {
  type ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import type { ScalableVariant, ScalingLimits, VariantScaling } from '../../core/ports/scaling.js';
import { callAws } from './aws-errors.js';

export const NAMESPACE = 'sagemaker';
export const DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

/** `endpoint/NAME/variant/VARIANT`, Application Auto Scaling's id for a SageMaker variant. */
export function variantResourceId(target: ScalableVariant): string {
  return `endpoint/${target.endpoint}/variant/${target.variant}`;
}

/** The describe half of {@link VariantScaling}: all that a reader such as the dashboard calls. */
export type VariantScalingReader = Pick<VariantScaling, 'describe'>;

/**
 * {@link VariantScalingReader} over Application Auto Scaling. A module of its own so that a Lambda
 * that only reads (the dashboard) bundles none of the write commands; the full adapter builds on it.
 */
export class ApplicationAutoScalingVariantReader implements VariantScalingReader {
  constructor(protected readonly client: ApplicationAutoScalingClient) {}

  async describe(target: ScalableVariant): Promise<ScalingLimits | undefined> {
    const out = await callAws('DescribeScalableTargets', () =>
      this.client.send(
        new DescribeScalableTargetsCommand({
          ServiceNamespace: NAMESPACE,
          ResourceIds: [variantResourceId(target)],
          ScalableDimension: DIMENSION,
        }),
      ),
    );
    const found = out.ScalableTargets?.[0];
    if (!found || found.MinCapacity === undefined || found.MaxCapacity === undefined) return undefined;
    return { minCapacity: found.MinCapacity, maxCapacity: found.MaxCapacity };
  }
}
