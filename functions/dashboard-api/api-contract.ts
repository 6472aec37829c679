/**
 * The dashboard API's contract: the JSON each `/api/*` route answers and the bodies it accepts.
 * The page imports these types (type-only, so nothing of the server reaches the browser bundle);
 * the server parses every body and query with the zod schemas here, built from core's schemas so
 * the dashboard refuses exactly what the CLI refuses.
 */
import * as z from 'zod';
import type { EndpointStatus } from '../../core/endpoint-state.js';
import type { FieldIssue } from '../../core/errors.js';
import type { ProgressItem } from '../../core/execution-progress.js';
import { floorSchema } from '../../core/floor.js';
import { endpointNameSchema } from '../../core/names.js';

/** Every error answer: the taxonomy's `code`, its message, and for 400s one issue per field. */
export interface ApiErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly issues?: readonly FieldIssue[];
  };
}

/** How the warm count was measured: per instance (local region) or SageMaker's CurrentInstanceCount. */
export type WarmSource = 'instance-probe' | 'current-instance-count';

/** Readiness of one variant, judged by core's capacity verdict against its floor. */
export interface CapacityReadiness {
  readonly kind: 'ready' | 'not-ready' | 'rolled-back' | 'failed';
  /** One line a person reads: "2 of 2 warm", "endpoint is Updating, not InService"… */
  readonly detail: string;
}

export interface VariantSummary {
  readonly name: string;
  readonly instanceType: string | null;
  /** CurrentInstanceCount: instances serving (SageMaker counts only those that passed /ping). */
  readonly currentInstances: number | null;
  readonly desiredInstances: number | null;
  /** Instances that passed the warmup-gated /ping and serve. */
  readonly warmInstances: number | null;
  /** Instances launched but not yet passing /ping (only known from an instance probe). */
  readonly warmingInstances: number | null;
  readonly warmSource: WarmSource;
  /** The scalable target's MinCapacity and MaxCapacity; null when autoscaling is not registered. */
  readonly floor: number | null;
  readonly max: number | null;
  readonly image: string | null;
  readonly readiness: CapacityReadiness;
}

export interface EndpointSummary {
  readonly name: string;
  readonly status: EndpointStatus;
  readonly failureReason: string | null;
  readonly configName: string;
  /** The config a running update deploys, while it runs. */
  readonly pendingConfigName: string | null;
  readonly variants: readonly VariantSummary[];
}

/** `GET /api/endpoints`. */
export interface EndpointsResponse {
  readonly endpoints: readonly EndpointSummary[];
  readonly at: string;
}

export type ExecutionKind = 'rollout' | 'prewarm';
export type ExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE';

export interface ExecutionSummary {
  readonly arn: string;
  readonly name: string;
  readonly kind: ExecutionKind;
  readonly status: ExecutionStatus;
  /** The endpoint named in the execution's input, when it names one. */
  readonly endpoint: string | null;
  /** A pre-warm that ends a window (`end: true`): it gives a floor back instead of raising one. */
  readonly endsWindow: boolean;
  readonly startedAt: string;
  readonly stoppedAt: string | null;
  /** The latest progress line: the state it is in, or its last poll; the outcome once done. */
  readonly currentStep: string | null;
}

/** Which warmgate state machines exist here; the page disables actions whose machine is absent. */
export interface MachinesInfo {
  readonly rollout: string | null;
  readonly prewarm: string | null;
}

/** `GET /api/executions`: running first, then the most recent, newest first. */
export interface ExecutionsResponse {
  readonly machines: MachinesInfo;
  readonly executions: readonly ExecutionSummary[];
}

/** `GET /api/executions/progress?arn=`. */
export interface ProgressResponse {
  readonly execution: ExecutionSummary;
  readonly items: readonly ProgressItem[];
}

/** `POST /api/rollouts` and `POST /api/prewarms`: the started execution. */
/**
 * `POST /api/rollouts`, `POST /api/prewarms`: the execution started. `POST /api/executions/stop`:
 * the execution stopped and, for a running pre-warm that had raised its floor, the one that ends
 * its window (restores the floor), or why that could not be started (the stop itself stands).
 */
export interface StartedResponse {
  readonly execution: ExecutionSummary;
  readonly ending?: ExecutionSummary;
  readonly endingError?: string;
}

/**
 * `POST /api/rollouts/check`: the verdict on a rollout request, nothing started. A refused
 * request is a normal answer here (200), not an error: asking is what the route is for.
 */
export type RolloutCheckResponse =
  | {
      readonly valid: true;
      /** The request with every default filled in, as the rollout will run it. */
      readonly request: Readonly<Record<string, unknown>>;
      readonly smokeShapes: number;
    }
  | { readonly valid: false; readonly issues: readonly FieldIssue[] };

/** One sample of an endpoint's capacity. Times are epoch milliseconds. */
export interface CapacityPoint {
  readonly t: number;
  readonly warm: number | null;
  readonly desired: number | null;
  readonly floor: number | null;
}

export interface LatencyPoint {
  readonly t: number;
  readonly averageMs: number | null;
  readonly p99Ms: number | null;
  readonly invocations: number | null;
}

export interface ChartMarker {
  readonly t: number;
  readonly label: string;
}

/** `GET /api/metrics?endpoint=&minutes=`. */
export interface MetricsResponse {
  readonly endpoint: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly capacity: { readonly source: string; readonly points: readonly CapacityPoint[] };
  readonly latency:
    | { readonly available: true; readonly periodSeconds: number; readonly points: readonly LatencyPoint[] }
    | { readonly available: false; readonly reason: string };
  /** Release times (and planned raises) inside the window. */
  readonly markers: readonly ChartMarker[];
}

/** A planned pre-warm window and whether the endpoint is ready for it. */
export interface ReleaseReadiness {
  readonly kind: 'scheduled' | 'raising' | 'ready' | 'at-risk' | 'no-endpoint';
  readonly detail: string;
}

export interface PlannedRelease {
  readonly endpoint: string;
  readonly releases: readonly string[];
  readonly titles: readonly string[];
  readonly releaseAt: string;
  readonly raiseAt: string;
  readonly restoreAt: string;
  readonly minCapacity: number;
  readonly baseFloor: number;
  readonly timezone: string;
  readonly localReleaseTime: string;
  readonly readiness: ReleaseReadiness;
}

/** `GET /api/releases`. */
export interface ReleasesResponse {
  /** Where the calendar came from; null when none is configured or nothing is planned yet. */
  readonly calendar: string | null;
  /**
   * When the windows were planned, and up to when (UTC ISO 8601): on AWS, calendar-sync's last
   * successful run and its horizon, beyond which no window is shown; null without a plan.
   */
  readonly plannedAt: string | null;
  readonly plannedUntil: string | null;
  readonly prewarmDeployed: boolean;
  readonly hours: number;
  readonly releases: readonly PlannedRelease[];
}

/** `POST /api/rollouts` and `/api/rollouts/check`: the request is judged by core's rollout schema. */
export const rolloutBodySchema = z.strictObject({
  request: z.unknown(),
  /** Defaults to the shapes of the model's warmup manifest, when the server can read it. */
  smokeShapes: z.array(z.unknown()).optional(),
  /** Step Functions execution name; unique per state machine. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,80}$/, 'must be 1-80 letters, digits, hyphens or underscores')
    .optional(),
});

/** The longest hold a manual pre-warm may ask for: a day covers any single release window. */
export const MAX_PREWARM_HOLD_MINUTES = 24 * 60;

/** `POST /api/prewarms`: raise an endpoint's floor now and hold it. */
export const prewarmBodySchema = z.strictObject({
  endpoint: endpointNameSchema,
  minCapacity: floorSchema,
  holdMinutes: z
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(1, 'must be at least 1 minute')
    .max(MAX_PREWARM_HOLD_MINUTES, `must be at most ${MAX_PREWARM_HOLD_MINUTES} minutes`)
    .default(60),
  /** Release ids this pre-warm is for (from the releases panel); `manual` otherwise. */
  releases: z.array(z.string().min(1).max(200)).max(50).default(['manual']),
});
export type PrewarmBody = z.output<typeof prewarmBodySchema>;

export const stopBodySchema = z.strictObject({
  arn: z.string({ error: 'must be an execution ARN' }).min(1, 'must be an execution ARN'),
});

export const progressQuerySchema = z.strictObject({
  arn: z.string({ error: 'is required' }).min(1, 'is required'),
});

export const metricsQuerySchema = z.strictObject({
  endpoint: endpointNameSchema,
  minutes: z.coerce
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(5, 'must be at least 5 minutes')
    .max(24 * 60, 'must be at most 1440 minutes')
    .default(30),
});

export const releasesQuerySchema = z.strictObject({
  hours: z.coerce
    .number({ error: 'must be a number of hours' })
    .int('must be a whole number of hours')
    .min(1, 'must be at least 1 hour')
    .max(24 * 31, 'must be at most 744 hours (31 days)')
    .default(48),
});
