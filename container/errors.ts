/**
 * Container-local errors. They extend core's taxonomy so that logs and `/status` speak the same
 * `name`/`code` language as the rest of warmgate.
 */
import { WarmgateError } from '../core/errors.js';

/** The inference queue is full. The client should back off and retry (HTTP 429). */
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

/** The backend failed while running a request that had passed validation (HTTP 500). */
export class InferenceError extends WarmgateError {
  override readonly name = 'InferenceError';
  readonly code = 'INFERENCE_FAILED';
  readonly retryable = false;
}
