import {
  ConflictError,
  NotFoundError,
  ServiceError,
  ThrottledError,
  TransientError,
  ValidationError,
  WarmgateError,
} from '../../core/errors.js';

/** What the SDK v3 puts on a service exception; read structurally so no client is imported. */
interface SdkErrorLike {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  // S3's answer when a prefix takes more requests than it can.
  'SlowDown',
]);

// Failures below HTTP: the request may never have reached the service, so a retry is safe.
const TRANSPORT = new Set(['TimeoutError', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

// Transient at any HTTP status: S3 answers RequestTimeout ("your socket connection was not read
// from or written to within the timeout period") with a 400, and the SDK's own retry strategy
// retries it as transient.
const TRANSIENT_CODES = new Set(['RequestTimeout', 'RequestTimeoutException']);

/**
 * Maps an AWS SDK error onto warmgate's taxonomy, once, for every adapter. Step Functions then
 * retries `ThrottledError`/`TransientError` by name and never retries the rest.
 *
 * SageMaker reports a missing resource as a ValidationException whose message says "Could not
 * find"; that quirk is why `notFoundPattern` exists.
 */
export function fromAwsError(error: unknown, action: string): WarmgateError {
  if (error instanceof WarmgateError) return error;
  const e = (error ?? {}) as SdkErrorLike;
  const name = e.name ?? 'Error';
  const message = `${action}: ${e.message ?? String(error)}`;
  const status = e.$metadata?.httpStatusCode ?? 0;
  if (THROTTLING.has(name) || e.$retryable?.throttling) return new ThrottledError(message, { cause: error });
  if (name === 'ResourceNotFound' || name === 'ResourceNotFoundException' || isNotFoundMessage(e.message)) {
    return new NotFoundError(message, { cause: error });
  }
  if (
    name === 'ResourceInUse' ||
    name === 'ConcurrentUpdateException' ||
    name === 'ConditionalCheckFailedException'
  ) {
    return new ConflictError(message, { cause: error });
  }
  // The field is the action, and ValidationError prefixes each message with its field:
  // the service's own text goes in, or the action would be named twice.
  if (name === 'ValidationException')
    return new ValidationError([{ field: action, message: e.message ?? String(error) }], { cause: error });
  if (status >= 500 || (status === 0 && TRANSPORT.has(name)) || TRANSIENT_CODES.has(name))
    return new TransientError(message, { cause: error });
  return new ServiceError(message, { cause: error });
}

function isNotFoundMessage(message: string | undefined): boolean {
  return /could not find|does not exist|not found/i.test(message ?? '');
}

/** Runs an SDK call and rethrows its failure in warmgate's taxonomy. */
export async function callAws<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fromAwsError(error, action);
  }
}
