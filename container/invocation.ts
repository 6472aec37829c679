/**
 * The invocation pipeline: bytes in, status and JSON out. Parse, validate, run, serialise.
 *
 * `/invocations` and the warmup both call this one function, so warming a shape warms exactly
 * the code a client request takes (JSON parsing, validation, tokenising, the session, ranking,
 * serialisation), not a side path that merely touches the session.
 */
import { InferenceError, ModelNotLoadedError, QueueFullError, ValidationError } from '../core/errors.js';
import type { ModelBackend } from './backend.js';

export interface InvocationOutcome {
  readonly status: number;
  /** Serialised JSON. */
  readonly body: string;
}

export type Invoke = (raw: Buffer | string) => Promise<InvocationOutcome>;

function errorBody(code: string, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ error: { code, message, ...extra } });
}

/** Maps a failure to its HTTP answer. Unknown errors are 500s, never a crash. */
export function outcomeOf(error: unknown): InvocationOutcome {
  if (error instanceof ValidationError) {
    return {
      status: 400,
      body: errorBody(error.code, error.message, {
        field: error.issues[0]?.field ?? 'body',
        issues: error.issues,
      }),
    };
  }
  if (error instanceof QueueFullError) return { status: 429, body: errorBody(error.code, error.message) };
  if (error instanceof ModelNotLoadedError)
    return { status: 503, body: errorBody(error.code, error.message) };
  if (error instanceof InferenceError) return { status: 500, body: errorBody(error.code, error.message) };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: errorBody('INTERNAL', message) };
}

export function createInvoke<R>(backend: ModelBackend<R>): Invoke {
  return async (raw) => {
    let decoded: unknown;
    try {
      decoded = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
    } catch {
      return outcomeOf(ValidationError.field('body', 'must be valid JSON'));
    }
    try {
      const result = await backend.invoke(backend.parse(decoded));
      return { status: 200, body: JSON.stringify(result) };
    } catch (error) {
      return outcomeOf(error);
    }
  };
}
