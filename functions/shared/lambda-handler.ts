import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logFailure, logger } from './lambda-logging.js';

/** The part of the Lambda context warmgate's steps use (the local region provides the same). */
export type StepContext = Pick<Context, 'functionName' | 'awsRequestId' | 'getRemainingTimeInMillis'>;

export type Step<E, R> = (event: E, context: StepContext) => Promise<R>;

/**
 * Wraps one step in the middy stack the step Lambdas share: structured logs with the request id,
 * a cold-start metric and a per-step duration metric (EMF), and one error log line that carries
 * the taxonomy's `name`/`code`. The error itself is rethrown untouched, because Step Functions'
 * Retry/Catch match on its name.
 */
export function lambdaHandler<E, R>(step: string, fn: Step<E, R>) {
  const metrics = new Metrics({ namespace: 'Warmgate', serviceName: 'warmgate' });
  return middy(async (event: E, context: Context) => {
    const started = performance.now();
    try {
      return await fn(event, context);
    } finally {
      metrics.addDimension('Step', step);
      metrics.addMetric('StepDuration', MetricUnit.Milliseconds, performance.now() - started);
    }
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use({ onError: async (request) => logFailure(step, request.error) });
}
