import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ValidationError } from '../core/errors.js';
import type { FaultInjector } from './faults.js';
import { readBody, send, toAwsJson } from './http-io.js';
import { compileRoute, type RouteTemplate } from './route-template.js';
import type {
  JsonTargetService,
  RawTargetService,
  RegionService,
  RequestContext,
  RestResponse,
  RestRoute,
  RestService,
} from './service.js';
import { type ErrorMapper, unknownOperation, type WireError, wireError } from './wire-error.js';

/** What the router needs from the region around it. */
export interface RouterOptions {
  readonly accountId: string;
  readonly region: string;
  readonly faults: FaultInjector;
  /** One line per request when set (`warmgate local --verbose`). */
  readonly log?: (line: string) => void;
  /** Errors outside warmgate's taxonomy: emulator bugs, reported with their stack. */
  readonly onUnexpected?: (error: unknown) => void;
}

interface CompiledRoute {
  readonly route: RestRoute;
  readonly template: RouteTemplate;
  readonly service: RestService;
}

type TargetService = JsonTargetService | RawTargetService;

/**
 * Dispatches every request on the region's one port: by `X-Amz-Target` prefix to a JSON service,
 * otherwise by method and path to a REST route. Fault rules apply to both, before the operation
 * runs. Errors leave in the AWS shape of the protocol that was called.
 */
export class Router {
  readonly #targets = new Map<string, TargetService>();
  readonly #routes: CompiledRoute[] = [];
  readonly #options: RouterOptions;

  constructor(options: RouterOptions) {
    this.#options = options;
  }

  /**
   * Adds a service. Routes are tried in registration order, so a later service cannot shadow an
   * earlier one's paths.
   *
   * @throws ValidationError when the target prefix is already taken.
   */
  register(service: RegionService): void {
    if (service.kind === 'rest') {
      for (const route of service.routes) {
        this.#routes.push({ route, template: compileRoute(route.path), service });
      }
      return;
    }
    if (this.#targets.has(service.targetPrefix)) {
      throw ValidationError.field('targetPrefix', `${service.targetPrefix} is already registered`);
    }
    this.#targets.set(service.targetPrefix, service);
  }

  /** Every registered raw-target service, so the region can close them. */
  rawServices(): RawTargetService[] {
    return [...this.#targets.values()].filter((s): s is RawTargetService => s.kind === 'raw-target');
  }

  /** The Node `request` listener. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const ctx: RequestContext = {
      requestId: randomUUID(),
      accountId: this.#options.accountId,
      region: this.#options.region,
    };
    res.setHeader('x-amzn-RequestId', ctx.requestId);
    const target = req.headers['x-amz-target'];
    const started = performance.now();
    if (this.#options.log) {
      res.on('finish', () => {
        const label = typeof target === 'string' ? target : `${req.method} ${req.url}`;
        const ms = (performance.now() - started).toFixed(1);
        this.#options.log?.(`${res.statusCode} ${label} ${ms}ms`);
      });
    }
    const work =
      typeof target === 'string'
        ? this.#dispatchTarget(target, req, res, ctx)
        : this.#dispatchRest(req, res, ctx);
    work.catch((error: unknown) => {
      this.#options.onUnexpected?.(error);
      send(res, 500, toAwsJson({ __type: 'InternalFailure', message: 'An internal error occurred.' }), {
        'Content-Type': 'application/json',
      });
    });
  };

  async #dispatchTarget(target: string, req: IncomingMessage, res: ServerResponse, ctx: RequestContext) {
    const dot = target.lastIndexOf('.');
    const prefix = dot === -1 ? target : target.slice(0, dot);
    const operation = dot === -1 ? '' : target.slice(dot + 1);
    const service = this.#targets.get(prefix);
    if (!service) {
      req.resume();
      writeJsonError(res, '1.1', unknownOperation(`warmgate local does not emulate ${target}.`));
      return;
    }
    const fault = this.#options.faults.intercept(service.name, operation);
    if (service.kind === 'raw-target') {
      if (fault) {
        req.resume();
        writeJsonError(res, service.jsonVersion, fault);
      } else {
        service.handle(req, res);
      }
      return;
    }
    const body = await readBody(req).catch((error: unknown) => error);
    const handler = Object.hasOwn(service.operations, operation) ? service.operations[operation] : undefined;
    if (!handler) {
      writeJsonError(res, service.jsonVersion, unknownOperation(`Unknown operation ${target}.`));
      return;
    }
    if (fault) {
      writeJsonError(res, service.jsonVersion, fault);
      return;
    }
    try {
      if (!(body instanceof Buffer)) throw body;
      const output = await handler(parseJsonBody(body), ctx);
      send(res, 200, toAwsJson(output ?? {}), {
        'Content-Type': `application/x-amz-json-${service.jsonVersion}`,
      });
    } catch (error) {
      writeJsonError(res, service.jsonVersion, mapError(service.errors, error));
    }
  }

  async #dispatchRest(req: IncomingMessage, res: ServerResponse, ctx: RequestContext) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    let found: { compiled: CompiledRoute; params: Record<string, string> } | undefined;
    for (const compiled of this.#routes) {
      if (compiled.route.method !== '*' && compiled.route.method !== method) continue;
      const params = compiled.template.match(url.pathname);
      if (params) {
        found = { compiled, params };
        break;
      }
    }
    if (!found) {
      req.resume();
      const missing =
        method === 'POST' && url.pathname === '/'
          ? unknownOperation('Missing X-Amz-Target header.')
          : wireError('UnknownOperationException', 404, `No route for ${method} ${url.pathname}.`);
      writeRestError(res, missing);
      return;
    }
    const { compiled, params } = found;
    const fault = this.#options.faults.intercept(compiled.service.name, compiled.route.operation);
    if (fault) {
      req.resume();
      writeRestError(res, fault);
      return;
    }
    try {
      const body = await readBody(req);
      const answer = await compiled.route.handle({
        method,
        path: url.pathname,
        params,
        query: url.searchParams,
        headers: req.headers,
        body,
        ctx,
      });
      writeRestResponse(res, answer);
    } catch (error) {
      writeRestError(res, mapError(compiled.service.errors, error));
    }
  }
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw ValidationError.field('body', 'is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw ValidationError.field('body', 'must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function mapError(mapper: ErrorMapper, error: unknown): WireError {
  return mapper(error);
}

/** Writes an AWS JSON 1.0/1.1 error: `__type` and `message` in the body. */
export function writeJsonError(res: ServerResponse, version: '1.0' | '1.1', error: WireError): void {
  const headers: Record<string, string> = { 'Content-Type': `application/x-amz-json-${version}` };
  if (error.queryCode)
    headers['x-amzn-query-error'] = `${error.queryCode};${error.status >= 500 ? 'Receiver' : 'Sender'}`;
  send(
    res,
    error.status,
    toAwsJson({ __type: error.type, message: error.message, ...error.fields }),
    headers,
  );
}

/** Writes a REST-JSON error: the code in `x-amzn-ErrorType`, the message and members in the body. */
export function writeRestError(res: ServerResponse, error: WireError): void {
  send(res, error.status, toAwsJson({ message: error.message, ...error.fields }), {
    'Content-Type': 'application/json',
    'x-amzn-ErrorType': error.type,
  });
}

function writeRestResponse(res: ServerResponse, answer: RestResponse): void {
  if ('stream' in answer) {
    answer.stream(res);
    return;
  }
  const headers: Record<string, string> = { ...answer.headers };
  const { body } = answer;
  if (body === undefined) {
    send(res, answer.status, '', headers);
  } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
    send(res, answer.status, body, headers);
  } else {
    headers['Content-Type'] ??= 'application/json';
    send(res, answer.status, toAwsJson(body), headers);
  }
}
