import type { Hosting } from '../hosting/hosting.js';
import type { RestResponse, RestService } from '../service.js';
import { errorMapper, type WireError, wireError } from '../wire-error.js';

/** The response header naming the instance that served an InvokeEndpoint call. */
export const INSTANCE_ID_HEADER = 'x-warmgate-instance-id';
/**
 * The response header carrying when (epoch ms) the request was routed to that instance, so a
 * test or benchmark can check the instance had passed /ping at that moment; the client's own
 * send time can precede routing by the time the request spends in flight.
 */
export const ROUTED_AT_HEADER = 'x-warmgate-routed-at';

/** One routed invocation, for the AWS/SageMaker metrics. */
export interface InvocationRecord {
  readonly endpointName: string;
  readonly variantName: string;
  readonly modelLatencyMs: number;
  /** Time the region added on top of the model: routing, proxying, copying. */
  readonly overheadMs: number;
  /** The container's HTTP status, or 0 when it gave none. */
  readonly status: number;
}

/** What the runtime needs from the region. */
export interface RuntimeDeps {
  readonly hosting: Hosting;
  readonly region: string;
  onInvocation(record: InvocationRecord): void;
  readonly onUnexpected?: (error: unknown) => void;
}

const MODEL_ERROR = 'ModelError';
/** Request headers SageMaker passes through to the container. */
const FORWARDED = /^(content-type|accept|x-amzn-sagemaker-.*)$/i;

/**
 * SageMaker Runtime's InvokeEndpoint (REST-JSON, `POST /endpoints/{EndpointName}/invocations`).
 * It routes to an instance of the endpoint by least outstanding requests, proxies the body, and
 * answers as SageMaker does, plus an `x-warmgate-instance-id` header naming the instance.
 */
export function createRuntimeService(deps: RuntimeDeps): RestService {
  const errors = errorMapper(
    {
      validation: { type: 'ValidationError' },
      notFound: { type: 'ValidationError' },
      conflict: { type: 'ValidationError' },
      unavailable: { type: 'ServiceUnavailable', status: 503 },
    },
    deps.onUnexpected,
  );
  const logGroupUrl = (endpoint: string) =>
    `https://${deps.region}.console.aws.amazon.com/cloudwatch/home?region=${deps.region}#logEventViewer:group=/aws/sagemaker/Endpoints/${endpoint}`;

  return {
    kind: 'rest',
    name: 'SageMakerRuntime',
    errors,
    routes: [
      {
        method: 'POST',
        path: '/endpoints/{EndpointName}/invocations',
        operation: 'InvokeEndpoint',
        async handle(request): Promise<RestResponse> {
          const arrived = performance.now();
          const name = request.params.EndpointName ?? '';
          // SageMaker answers "not found" for an endpoint that exists but is not in service, too.
          const notFound = wireError(
            'ValidationError',
            400,
            `Endpoint ${name} of account ${request.ctx.accountId} not found.`,
          );
          const endpoint = deps.hosting.get(name);
          if (!endpoint) return failure(notFound);
          const target = header(request.headers['x-amzn-sagemaker-target-variant']);
          const decision = endpoint.route(target);
          const routedAt = Date.now();
          if (decision.kind === 'not-found') return failure(notFound);
          if (decision.kind === 'no-variant') {
            return failure(
              wireError(
                'ValidationError',
                400,
                `Variant ${decision.variant} not found for endpoint ${name}.`,
              ),
            );
          }
          if (decision.kind === 'no-capacity') {
            // Every instance has crashed or failed its latest /ping: nothing can take the request.
            return failure(
              wireError(
                'ServiceUnavailable',
                503,
                `No instance of endpoint ${name} is passing its health check.`,
              ),
            );
          }
          const { instance, variant } = decision;
          const forwarded: Record<string, string> = {};
          for (const [key, value] of Object.entries(request.headers)) {
            if (FORWARDED.test(key) && typeof value === 'string') forwarded[key] = value;
          }
          const started = performance.now();
          let result: Awaited<ReturnType<typeof instance.invoke>>;
          try {
            result = await instance.invoke(request.body, forwarded);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            deps.onInvocation({
              endpointName: name,
              variantName: variant,
              modelLatencyMs: performance.now() - started,
              overheadMs: started - arrived,
              status: 0,
            });
            return failure(
              wireError(MODEL_ERROR, 424, `Received no response from primary (${message}).`, {
                fields: { OriginalStatusCode: 0, LogStreamArn: logGroupUrl(name) },
              }),
              instance.id,
            );
          }
          deps.onInvocation({
            endpointName: name,
            variantName: variant,
            modelLatencyMs: result.modelLatencyMs,
            overheadMs: performance.now() - arrived - result.modelLatencyMs,
            status: result.status,
          });
          if (result.status < 200 || result.status > 299) {
            const kind = result.status >= 500 ? 'server' : 'client';
            const original = result.body.toString('utf8');
            return failure(
              wireError(
                MODEL_ERROR,
                424,
                `Received ${kind} error (${result.status}) from primary with message "${original}". See ${logGroupUrl(name)} in account ${request.ctx.accountId} for more information.`,
                {
                  fields: {
                    OriginalStatusCode: result.status,
                    OriginalMessage: original,
                    LogStreamArn: logGroupUrl(name),
                  },
                },
              ),
              instance.id,
            );
          }
          const headers: Record<string, string> = {
            'Content-Type': result.contentType ?? 'application/octet-stream',
            'x-Amzn-Invoked-Production-Variant': variant,
            [INSTANCE_ID_HEADER]: instance.id,
            [ROUTED_AT_HEADER]: String(routedAt),
          };
          if (result.customAttributes)
            headers['X-Amzn-SageMaker-Custom-Attributes'] = result.customAttributes;
          return { status: 200, headers, body: result.body };
        },
      },
    ],
  };
}

function failure(error: WireError, instanceId?: string): RestResponse {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'x-amzn-ErrorType': error.type,
  };
  if (instanceId) headers[INSTANCE_ID_HEADER] = instanceId;
  return { status: error.status, headers, body: { message: error.message, ...error.fields } };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
