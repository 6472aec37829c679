import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorMapper } from './wire-error.js';

/**
 * The plug-in surface of the local region. Every emulated API is one {@link RegionService}, and
 * the router picks it by `X-Amz-Target` prefix (JSON protocols) or by method and path
 * (REST-JSON, the control API, the dashboard). SageMaker, Runtime, Application Auto Scaling,
 * CloudWatch and DynamoDB are built from these same pieces, so Step Functions, Scheduler and the
 * dashboard are just more services registered with {@link LocalRegion.register}.
 */
export type RegionService = JsonTargetService | RawTargetService | RestService;

/** Facts about the request that operations may need; the same for every service. */
export interface RequestContext {
  readonly requestId: string;
  readonly accountId: string;
  readonly region: string;
}

/**
 * One JSON-protocol operation. `input` is the parsed request body (an object, `{}` when empty).
 * The result is serialised as JSON; `Date` values become epoch seconds, as AWS JSON protocols
 * send them. Throw warmgate errors (core/errors.ts); the service's {@link ErrorMapper} turns
 * them into the AWS error shape.
 */
export type JsonOperation = (input: Record<string, unknown>, ctx: RequestContext) => unknown;

/** An AWS JSON 1.0/1.1 service: `POST /` with `X-Amz-Target: <targetPrefix>.<Operation>`. */
export interface JsonTargetService {
  readonly kind: 'json-target';
  /** Shown in logs and used to qualify fault rules (`SageMaker.DescribeEndpoint`). */
  readonly name: string;
  readonly targetPrefix: string;
  readonly jsonVersion: '1.0' | '1.1';
  readonly operations: Readonly<Record<string, JsonOperation>>;
  readonly errors: ErrorMapper;
}

/**
 * A JSON-target service that handles the raw HTTP exchange itself (embedded dynalite). The router
 * has already applied fault rules, using the operation named in `X-Amz-Target`.
 */
export interface RawTargetService {
  readonly kind: 'raw-target';
  readonly name: string;
  readonly targetPrefix: string;
  readonly jsonVersion: '1.0' | '1.1';
  handle(req: IncomingMessage, res: ServerResponse): void;
  close?(): Promise<void>;
}

/** A request to a REST route, with the body already read. */
export interface RestRequest {
  readonly method: string;
  readonly path: string;
  /** Path parameters, URL-decoded: `{EndpointName}` → `params.EndpointName`. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly ctx: RequestContext;
}

/**
 * What a REST route answers: a body (a `string`/`Buffer` as is, anything else as JSON) or, for
 * long-lived responses such as server-sent events, a `stream` callback that owns the response.
 */
export type RestResponse =
  | {
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: unknown;
    }
  | { readonly stream: (res: ServerResponse) => void };

/**
 * One REST route. `path` is a template: literal segments, `{Name}` for one segment, and a final
 * `{Name+}` for the rest of the path. `method` `*` matches any method.
 */
export interface RestRoute {
  readonly method: string;
  readonly path: string;
  /** The AWS operation name, used by fault rules and logs (`InvokeEndpoint`). */
  readonly operation: string;
  handle(request: RestRequest): RestResponse | Promise<RestResponse>;
}

/** A set of REST routes sharing one error mapping (REST-JSON errors use `x-amzn-ErrorType`). */
export interface RestService {
  readonly kind: 'rest';
  readonly name: string;
  readonly routes: readonly RestRoute[];
  readonly errors: ErrorMapper;
}
