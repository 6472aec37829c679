/** Application Auto Scaling's view of one variant: `endpoint/NAME/variant/VARIANT`. */
export interface ScalableVariant {
  readonly endpoint: string;
  readonly variant: string;
}

export interface ScalingLimits {
  readonly minCapacity: number;
  readonly maxCapacity: number;
}

/** A scheduled action, kept so it can be re-created after a deregistration deleted it. */
export interface ScheduledAction {
  readonly name: string;
  readonly schedule: string;
  readonly timezone?: string;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly minCapacity?: number;
  readonly maxCapacity?: number;
}

/**
 * Application Auto Scaling for SageMaker variants. Implementations never write a MinCapacity
 * below 2: callers pass a `Floor`, and the adapter checks it again at the boundary.
 */
export interface VariantScaling {
  describe(target: ScalableVariant): Promise<ScalingLimits | undefined>;
  register(target: ScalableVariant, limits: ScalingLimits): Promise<void>;
  /** Deregistering deletes the target's scheduled actions too (AWS behaviour). */
  deregister(target: ScalableVariant): Promise<void>;
  scheduledActions(target: ScalableVariant): Promise<ScheduledAction[]>;
  putScheduledAction(target: ScalableVariant, action: ScheduledAction): Promise<void>;
  /** Target tracking on the variant's high-resolution concurrent-requests metric. */
  putConcurrencyTracking(target: ScalableVariant, targetConcurrencyPerInstance: number): Promise<string>;
}
