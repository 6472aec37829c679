/**
 * The model backend port: what the HTTP layer and the warmup need from "a model".
 *
 * The ONNX recommender is one implementation (onnxruntime-node in worker threads). A later
 * backend can front a model server such as vLLM or TGI running in the same container: `load`
 * waits for the server's own health route, `parse` validates the server's request schema, and
 * `invoke` proxies over loopback HTTP. Warmup and the readiness gate stay unchanged, because
 * they only ever talk to this interface through the invocation pipeline.
 */

/** What loading took, for `/status` and the time-to-ready benchmark. */
export interface LoadReport {
  /** Wall time of the slowest session creation, milliseconds. */
  readonly sessionCreateMs: number;
  /** Free-form facts worth showing in `/status` (providers, workers, item count). */
  readonly details: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

/** Live counters for `/status` and overload decisions. */
export interface BackendStats {
  readonly inFlight: number;
  readonly queued: number;
  readonly completed: number;
}

export interface ModelBackend<Request> {
  /** A short name for logs and `/status` (`onnxruntime`, `vllm-http`). */
  readonly kind: string;
  /**
   * Loads the model so that `invoke` can run.
   *
   * @throws {ModelLoadError} with the reason, when the model cannot be loaded; the container
   *   then enters the `failed` phase and exits non-zero.
   */
  load(): Promise<LoadReport>;
  /**
   * Validates one decoded request body.
   *
   * @throws {ValidationError} naming the bad field (answered with HTTP 400).
   */
  parse(body: unknown): Request;
  /**
   * Runs one validated request and returns a JSON-serialisable answer.
   *
   * @throws {QueueFullError} when overloaded (429), {@link ModelNotLoadedError} before load (503),
   *   {@link InferenceError} when the runtime fails (500).
   */
  invoke(request: Request): Promise<unknown>;
  stats(): BackendStats;
  /** Releases sessions and workers. Safe to call twice. */
  close(): Promise<void>;
}
