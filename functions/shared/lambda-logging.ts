import { Logger } from '@aws-lambda-powertools/logger';

/** The structured logger every warmgate Lambda writes with (the request id in each line). */
export const logger = new Logger({ serviceName: 'warmgate' });

/**
 * The one error log line of a failed invocation, carrying the taxonomy's `name`/`code`. Callers
 * rethrow the error untouched: Step Functions' Retry/Catch match on its name.
 */
export function logFailure(name: string, error: unknown): void {
  const failure = error as (Error & { code?: string; retryable?: boolean }) | null;
  logger.error(`${name} failed`, {
    errorName: failure?.name,
    code: failure?.code,
    retryable: failure?.retryable,
    message: failure?.message,
  });
}
