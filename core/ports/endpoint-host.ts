import type { EndpointState } from '../endpoint-state.js';

/** One container model, as CreateModel takes it. */
export interface ModelSpec {
  readonly name: string;
  readonly image: string;
  readonly modelDataUrl: string;
  readonly executionRoleArn: string;
  readonly environment: Readonly<Record<string, string>>;
}

/** One single-variant endpoint config, as CreateEndpointConfig takes it. */
export interface EndpointConfigSpec {
  readonly name: string;
  readonly variant: string;
  readonly modelName: string;
  readonly instanceType: string;
  readonly initialInstanceCount: number;
  readonly startupTimeoutSeconds: number;
  readonly modelDataDownloadTimeoutSeconds: number;
}

/** What a deployed endpoint config says (read back for rollback and instance-type checks). */
export interface EndpointConfigView {
  readonly name: string;
  readonly variants: ReadonlyArray<{
    readonly name: string;
    readonly modelName: string;
    readonly instanceType: string;
  }>;
}

/** SageMaker's blue/green DeploymentConfig, in its own vocabulary. */
export interface BlueGreenDeployment {
  readonly trafficRouting:
    | { readonly type: 'ALL_AT_ONCE'; readonly waitIntervalSeconds: number }
    | {
        readonly type: 'CANARY' | 'LINEAR';
        readonly waitIntervalSeconds: number;
        readonly size: { readonly type: 'INSTANCE_COUNT' | 'CAPACITY_PERCENT'; readonly value: number };
      };
  readonly terminationWaitSeconds: number;
  readonly maximumExecutionTimeoutSeconds?: number;
  readonly rollbackAlarms: readonly string[];
}

/**
 * SageMaker real-time hosting, in warmgate's words. Creation calls are idempotent: creating a
 * resource that already exists under the same (content-hashed) name is a success, which is what
 * makes a retried Lambda step safe.
 */
export interface EndpointHost {
  /** The endpoint's state, or undefined when it does not exist. */
  describeEndpoint(name: string): Promise<EndpointState | undefined>;
  describeEndpointConfig(name: string): Promise<EndpointConfigView | undefined>;
  /** True when it was created now, false when it already existed. */
  createModel(spec: ModelSpec): Promise<boolean>;
  /** True when it was created now, false when it already existed. */
  createEndpointConfig(spec: EndpointConfigSpec): Promise<boolean>;
  createEndpoint(name: string, configName: string): Promise<void>;
  /** A blue/green update; `retainInstanceCounts` keeps the live (autoscaled) instance counts. */
  updateEndpoint(
    name: string,
    configName: string,
    options: { deployment: BlueGreenDeployment; retainInstanceCounts: boolean },
  ): Promise<void>;
  deleteEndpoint(name: string): Promise<void>;
}
