import {
  CapacityNotReadyError,
  ConflictError,
  NotFoundError,
  ThrottledError,
  TransientError,
  ValidationError,
  WarmgateError,
} from '../core/errors.js';

/**
 * An error as it travels on the wire: the AWS error code (`__type` for JSON protocols,
 * `x-amzn-ErrorType` for REST-JSON), the HTTP status, and the message the SDK and CLI show.
 *
 * Services throw warmgate's own taxonomy (core/errors.ts); each service maps those to the codes
 * its real AWS counterpart uses, because the same "not found" is a `ValidationException` in
 * SageMaker but an `ObjectNotFoundException` in Application Auto Scaling.
 */
export interface WireError {
  readonly type: string;
  readonly status: number;
  readonly message: string;
  /** Extra members of the error shape (e.g. ModelError's `OriginalStatusCode`). */
  readonly fields?: Readonly<Record<string, unknown>>;
  /**
   * The awsQuery error code, for services whose JSON protocol is "query compatible"
   * (CloudWatch): the SDK reads it from `x-amzn-query-error` to name the exception.
   */
  readonly queryCode?: string;
}

/** Maps anything a service operation threw to the error its real AWS counterpart returns. */
export type ErrorMapper = (error: unknown) => WireError;

/** Builds a {@link WireError}. */
export function wireError(
  type: string,
  status: number,
  message: string,
  extra: { fields?: Record<string, unknown>; queryCode?: string } = {},
): WireError {
  return { type, status, message, ...extra };
}

type Code = { readonly type: string; readonly status?: number; readonly queryCode?: string };

/** Per-service codes for each class of warmgate error. Unlisted classes use the defaults. */
export interface ErrorCodes {
  readonly validation: Code;
  readonly notFound: Code;
  readonly conflict: Code;
  readonly throttled?: Code;
  readonly unavailable?: Code;
  readonly internal?: Code;
}

/** Operations that are not part of a service get this, as AWS's JSON front end answers. */
export function unknownOperation(detail: string): WireError {
  return wireError('UnknownOperationException', 400, detail);
}

/**
 * Builds an {@link ErrorMapper} from a service's codes.
 *
 * An error outside warmgate's taxonomy is a bug in the emulator, not the caller's fault, so it
 * becomes a 500 `InternalFailure` and is reported through `onUnexpected` with its stack.
 */
export function errorMapper(codes: ErrorCodes, onUnexpected?: (error: unknown) => void): ErrorMapper {
  const pick = (code: Code, fallbackStatus: number, message: string): WireError => ({
    type: code.type,
    status: code.status ?? fallbackStatus,
    message,
    ...(code.queryCode ? { queryCode: code.queryCode } : {}),
  });
  return (error) => {
    if (error instanceof ValidationError) return pick(codes.validation, 400, error.message);
    if (error instanceof NotFoundError) return pick(codes.notFound, 400, error.message);
    if (error instanceof ConflictError) return pick(codes.conflict, 400, error.message);
    if (error instanceof ThrottledError) {
      return pick(codes.throttled ?? { type: 'ThrottlingException' }, 400, error.message);
    }
    if (error instanceof CapacityNotReadyError || error instanceof TransientError) {
      return pick(codes.unavailable ?? { type: 'ServiceUnavailable' }, 503, error.message);
    }
    if (!(error instanceof WarmgateError)) onUnexpected?.(error);
    const message = error instanceof WarmgateError ? error.message : 'An internal error occurred.';
    return pick(codes.internal ?? { type: 'InternalFailure' }, 500, message);
  };
}
