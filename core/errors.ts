/**
 * warmgate's one error taxonomy.
 *
 * Every failure that crosses a module boundary is a {@link WarmgateError}. Its `name` is stable
 * because Step Functions `Retry`/`Catch` blocks match on it (the Lambda runtime reports
 * `errorType` = `error.name`), and the CLI maps `code` to exit codes. `retryable` says whether
 * the same call may succeed later without anything else changing.
 */
export abstract class WarmgateError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  toJSON(): { name: string; code: string; message: string; retryable: boolean } {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable };
  }
}

/** One refused field: a dotted path into the input and what is wrong with it. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/** Input was refused before anything changed. The message names every bad field. */
export class ValidationError extends WarmgateError {
  override readonly name = 'ValidationError';
  readonly code = 'INVALID_INPUT';
  readonly retryable = false;
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[], options?: { cause?: unknown }) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; ') || 'invalid input', options);
    this.issues = issues;
  }

  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

/** A configuration variable is missing or malformed; raised at start, naming the variable. */
export class ConfigError extends WarmgateError {
  override readonly name = 'ConfigError';
  readonly code = 'BAD_CONFIG';
  readonly retryable = false;
}

/** The named resource does not exist. */
export class NotFoundError extends WarmgateError {
  override readonly name = 'NotFoundError';
  readonly code = 'NOT_FOUND';
  readonly retryable = false;
}

/** A remote API asked us to slow down. Retried with jittered backoff. */
export class ThrottledError extends WarmgateError {
  override readonly name = 'ThrottledError';
  readonly code = 'THROTTLED';
  readonly retryable = true;
}

/** A transient remote failure (5xx, connection reset) that a retry may clear. */
export class TransientError extends WarmgateError {
  override readonly name = 'TransientError';
  readonly code = 'TRANSIENT';
  readonly retryable = true;
}

/**
 * Another execution holds the per-endpoint lock. Retried for a limited time, because the holder
 * may be about to finish; a rollout that still cannot get it fails fast with this name.
 */
export class LockBusyError extends WarmgateError {
  override readonly name = 'LockBusyError';
  readonly code = 'LOCK_BUSY';
  readonly retryable = true;
  readonly holder: string | undefined;

  constructor(message: string, holder?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.holder = holder;
  }
}

/**
 * This execution no longer holds the endpoint's lock: a redriven execution whose lock was released
 * or taken over meanwhile, or one whose expired lease another execution has taken. Never retried,
 * and the step that throws it has changed nothing: another execution may be acting on the endpoint.
 */
export class LockLostError extends WarmgateError {
  override readonly name = 'LockLostError';
  readonly code = 'LOCK_LOST';
  readonly retryable = false;
}

/** The state changed under us in a way that makes the requested action unsafe. */
export class ConflictError extends WarmgateError {
  override readonly name = 'ConflictError';
  readonly code = 'CONFLICT';
  readonly retryable = false;
}

/** An operation would break a safety invariant (floor below 2, routing to a cold instance). */
export class SafetyViolationError extends WarmgateError {
  override readonly name = 'SafetyViolationError';
  readonly code = 'SAFETY_VIOLATION';
  readonly retryable = false;
}

/** A deadline passed before the awaited condition held. */
export class DeadlineExceededError extends WarmgateError {
  override readonly name = 'DeadlineExceededError';
  readonly code = 'DEADLINE_EXCEEDED';
  readonly retryable = false;
}

/**
 * A release window is over but its raised floor could not be given back (its endings failed, or
 * ending it failed outright). Not retryable in place: the next calendar sync tries again.
 */
export class FloorNotRestoredError extends WarmgateError {
  override readonly name = 'FloorNotRestoredError';
  readonly code = 'FLOOR_NOT_RESTORED';
  readonly retryable = false;
}

/** The model could not be loaded, or a warmup shape failed. */
export class ModelLoadError extends WarmgateError {
  override readonly name = 'ModelLoadError';
  readonly code = 'MODEL_LOAD_FAILED';
  readonly retryable = false;
}

/** The endpoint reached a state that ends the rollout (Failed, or rolled back by SageMaker). */
export class DeploymentFailedError extends WarmgateError {
  override readonly name = 'DeploymentFailedError';
  readonly code = 'DEPLOYMENT_FAILED';
  readonly retryable = false;
}

/** Capacity is not (yet) what was asked for. Retryable while a deadline allows. */
export class CapacityNotReadyError extends WarmgateError {
  override readonly name = 'CapacityNotReadyError';
  readonly code = 'CAPACITY_NOT_READY';
  readonly retryable = true;
}

/** True for any error that is safe to retry unchanged. Unknown errors are not. */
export function isRetryable(error: unknown): boolean {
  return error instanceof WarmgateError && error.retryable;
}

/** A remote service refused the call for a reason no retry will fix (access denied, a quota). */
export class ServiceError extends WarmgateError {
  override readonly name = 'ServiceError';
  readonly code = 'SERVICE_ERROR';
  readonly retryable = false;
}

/**
 * The endpoint is mid-change (Creating, Updating, RollingBack…) and cannot take this action yet.
 * Retryable: SageMaker finishes what it is doing on its own.
 */
export class EndpointBusyError extends WarmgateError {
  override readonly name = 'EndpointBusyError';
  readonly code = 'ENDPOINT_BUSY';
  readonly retryable = true;
}

// The inference container's failures, answered over HTTP by container/invocation.ts.

/** The container's inference queue is full. The client should back off and retry (HTTP 429). */
export class QueueFullError extends WarmgateError {
  override readonly name = 'QueueFullError';
  readonly code = 'OVERLOADED';
  readonly retryable = true;
}

/** The model is not loaded (yet, or any more). Only reachable without the gate or while draining (HTTP 503). */
export class ModelNotLoadedError extends WarmgateError {
  override readonly name = 'ModelNotLoadedError';
  readonly code = 'MODEL_NOT_LOADED';
  readonly retryable = true;
}

/** The model backend failed while running a request that had passed validation (HTTP 500). */
export class InferenceError extends WarmgateError {
  override readonly name = 'InferenceError';
  readonly code = 'INFERENCE_FAILED';
  readonly retryable = false;
}
