import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logFailure, logger } from './lambda-logging.js';

/**
 * The middy stack of a Lambda behind API Gateway (the dashboard API): structured logs with the
 * request id and one error log line, like a step, but no step metrics. API Gateway already
 * measures each route (count, latency, 4xx, 5xx) and Lambda its duration and errors, so the EMF
 * step metrics would repeat them on every page poll, and cost the bundle 11 KiB.
 */
export function apiHandler<E, R>(name: string, fn: (event: E, context: Context) => Promise<R>) {
  return middy(fn)
    .use(injectLambdaContext(logger))
    .use({ onError: async (request) => logFailure(name, request.error) });
}
