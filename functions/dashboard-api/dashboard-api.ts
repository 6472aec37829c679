import type * as z from 'zod';
import {
  ConflictError,
  LockBusyError,
  NotFoundError,
  ThrottledError,
  TransientError,
  ValidationError,
  WarmgateError,
} from '../../core/errors.js';
import { MIN_FLOOR } from '../../core/floor.js';
import type { ReleasePlanSource } from '../../core/ports/release-plan.js';
import { planPrewarm } from '../../core/prewarm/prewarm-plan.js';
import { windowsBetween } from '../../core/release-plan.js';
import { planRollout, type SmokeShape } from '../../core/rollout/rollout-plan.js';
import type { RolloutMode } from '../../core/rollout-request.js';
import { parseOrThrow } from '../../core/validation.js';
import {
  type ApiErrorBody,
  type ChartMarker,
  type EndpointsResponse,
  type ExecutionsResponse,
  type MetricsResponse,
  metricsQuerySchema,
  type PrewarmBody,
  prewarmBodySchema,
  progressQuerySchema,
  type ReleasesResponse,
  type RolloutCheckResponse,
  releasesQuerySchema,
  rolloutBodySchema,
  type StartedResponse,
  stopBodySchema,
} from './api-contract.js';
import { type CapacityHistory, capacityPointOf } from './capacity-history.js';
import { type EndpointSummaryDeps, summarizeEndpoints } from './endpoint-summary.js';
import type { ExecutionTracker } from './execution-tracker.js';
import type { LatencySource } from './latency-metrics.js';
import type { PageAssets } from './page-assets.js';
import { plannedReleases } from './planned-releases.js';

/** An HTTP request, as both the local REST service and the API Gateway event carry it. */
export interface ApiRequest {
  readonly method: string;
  /** The URL path without the query (`/api/endpoints`). */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body as text; empty when there is none. */
  readonly body: string;
  /** The JWT claims an API Gateway authoriser verified; absent locally. */
  readonly claims?: Readonly<Record<string, unknown>> | undefined;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

export interface DashboardApiDeps {
  /** Which rollout requests are valid: `local` also runs `file://` models and the short image form. */
  readonly mode: RolloutMode;
  readonly endpoints: EndpointSummaryDeps;
  readonly executions: ExecutionTracker;
  readonly capacityHistory: CapacityHistory;
  readonly latency: LatencySource;
  /** CloudWatch period of the latency chart: 60 s on AWS (ModelLatency is a 1-minute metric). */
  readonly latencyPeriodSeconds: number;
  /**
   * The planned release windows: calendar-sync's published plan on AWS, a calendar file planned
   * on each request in the local region. Without one, the releases panel is empty.
   */
  readonly calendar?: ReleasePlanSource | undefined;
  /** The built page; without it only `/api/*` is served. */
  readonly assets?: PageAssets | undefined;
  /** True when the request may use `/api/*`: a valid local token, or an authoriser's claims. */
  readonly authorize: (request: ApiRequest) => boolean;
  /**
   * The smoke shapes a rollout of `modelDataUrl` sends when the request names none: the model's
   * warmup manifest, where the server can read it (a local `file://` model directory).
   */
  readonly smokeShapes?: ((modelDataUrl: string) => SmokeShape[]) | undefined;
  readonly now: () => number;
  /** Errors outside the taxonomy: bugs, reported with their stack. */
  readonly onUnexpected?: ((error: unknown) => void) | undefined;
}

/** The dashboard: the page and its API, one function from request to response. */
export type DashboardApi = (request: ApiRequest) => Promise<ApiResponse>;

/** Recent finished executions shown per state machine, besides every running one. */
const RECENT_EXECUTIONS = 10;

// The page loads only its own script and styles and talks only to its own origin. uPlot sets
// styles through the CSSOM, which CSP's style-src does not govern.
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

const API_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

type Route = (request: ApiRequest) => Promise<{ status?: number; body: unknown }>;

/**
 * Builds the dashboard. `GET /` and `/dashboard/*` serve the page without authentication (it
 * holds no data); every `/api/*` route first asks `deps.authorize` and answers 401 JSON when it
 * says no. Answers are typed JSON (api-contract.ts); failures use the error taxonomy: 400 with
 * one issue per field, 404, 409, 429, 503, and 500 for anything unexpected.
 */
export function createDashboardApi(deps: DashboardApiDeps): DashboardApi {
  const routes: Record<string, Route> = {
    'GET /api/endpoints': async () => ({
      body: {
        endpoints: await summarizeEndpoints(deps.endpoints),
        at: new Date(deps.now()).toISOString(),
      } satisfies EndpointsResponse,
    }),
    'GET /api/executions': async () => {
      const machines = await deps.executions.machines();
      return {
        body: {
          machines,
          executions: await deps.executions.list(machines, RECENT_EXECUTIONS),
        } satisfies ExecutionsResponse,
      };
    },
    'GET /api/executions/progress': async (request) => {
      const { arn } = parseQuery(progressQuerySchema, request.query);
      return { body: await deps.executions.progress(arn) };
    },
    'POST /api/executions/stop': async (request) => {
      const { arn } = parseOrThrow(stopBodySchema, parseBody(request));
      const before = await deps.executions.summary(arn);
      const execution = await deps.executions.stop(arn, 'stopped from the warmgate dashboard');
      // A stopped pre-warm never restores its floor itself. Only this stop's: a repeated stop of
      // an execution that had already ended starts nothing.
      if (before.status !== 'RUNNING' || execution.kind !== 'prewarm' || execution.status !== 'ABORTED') {
        return { body: { execution } satisfies StartedResponse };
      }
      try {
        const ending = await deps.executions.endWindowOf(arn);
        return { body: { execution, ...(ending ? { ending } : {}) } satisfies StartedResponse };
      } catch (error) {
        const endingError = `the window could not be ended: ${error instanceof Error ? error.message : String(error)}`;
        return { body: { execution, endingError } satisfies StartedResponse };
      }
    },
    'POST /api/rollouts/check': async (request) => {
      let body: RolloutCheckResponse;
      try {
        const { plan } = checkRollout(deps, parseBody(request));
        body = { valid: true, request: { ...plan.request }, smokeShapes: plan.smoke.shapes.length };
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        body = { valid: false, issues: error.issues };
      }
      return { body };
    },
    'POST /api/rollouts': async (request) => {
      const { input, name } = checkRollout(deps, parseBody(request));
      const execution = await deps.executions.start('rollout', input, name);
      return { status: 202, body: { execution } satisfies StartedResponse };
    },
    'POST /api/prewarms': async (request) => {
      const body = parseOrThrow(prewarmBodySchema, parseBody(request));
      const execution = await deps.executions.start('prewarm', await prewarmInput(deps, body));
      return { status: 202, body: { execution } satisfies StartedResponse };
    },
    'GET /api/metrics': async (request) => ({ body: await metrics(deps, request.query) }),
    'GET /api/releases': async (request) => ({ body: await releases(deps, request.query) }),
  };

  return async (request) => {
    try {
      if (!request.path.startsWith('/api/')) return servePage(deps.assets, request);
      if (!deps.authorize(request)) {
        return json(401, errorBody('UNAUTHORIZED', 'a valid access token is required'), {
          'WWW-Authenticate': 'Bearer',
        });
      }
      const route = routes[`${request.method} ${request.path}`];
      if (!route) {
        const known = Object.keys(routes).some((key) => key.endsWith(` ${request.path}`));
        return known
          ? json(405, errorBody('METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${request.path}`))
          : json(404, errorBody('NOT_FOUND', `no API route ${request.path}`));
      }
      const answer = await route(request);
      return json(answer.status ?? 200, answer.body);
    } catch (error) {
      return errorResponse(error, deps.onUnexpected);
    }
  };
}

function servePage(assets: PageAssets | undefined, request: ApiRequest): ApiResponse {
  const asset = assets?.get(request.path);
  if (!asset || (request.method !== 'GET' && request.method !== 'HEAD')) {
    return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Not found' };
  }
  const headers = {
    ...PAGE_HEADERS,
    'Content-Type': asset.contentType,
    ETag: asset.etag,
    // Asset names do not change with content, so the browser revalidates each load (a 304).
    'Cache-Control': 'no-cache',
  };
  if (request.headers['if-none-match'] === asset.etag) return { status: 304, headers, body: '' };
  return { status: 200, headers, body: request.method === 'HEAD' ? '' : asset.body };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { ...API_HEADERS, ...headers }, body: JSON.stringify(body) };
}

function errorBody(code: string, message: string, issues?: ValidationError['issues']): ApiErrorBody {
  return { error: { code, message, ...(issues ? { issues } : {}) } };
}

/** The HTTP answer for a thrown error, by its place in the taxonomy. */
function errorResponse(error: unknown, onUnexpected?: (error: unknown) => void): ApiResponse {
  if (error instanceof ValidationError) {
    return json(400, errorBody(error.code, error.message, error.issues));
  }
  if (error instanceof WarmgateError) {
    const status =
      error instanceof NotFoundError
        ? 404
        : error instanceof ConflictError || error instanceof LockBusyError
          ? 409
          : error instanceof ThrottledError
            ? 429
            : error instanceof TransientError
              ? 503
              : 502;
    return json(status, errorBody(error.code, error.message));
  }
  onUnexpected?.(error);
  return json(500, errorBody('INTERNAL', 'the dashboard API failed; see its log'));
}

function parseBody(request: ApiRequest): unknown {
  if (request.body.trim() === '') return {};
  try {
    return JSON.parse(request.body);
  } catch {
    throw ValidationError.field('body', 'is not valid JSON');
  }
}

function parseQuery<S extends z.ZodType>(schema: S, query: URLSearchParams): z.output<S> {
  return parseOrThrow(schema, Object.fromEntries(query));
}

/**
 * Validates a rollout body with core's `planRollout`, the very check the CLI and the validate
 * Lambda run, and returns the execution input the CLI would send. The smoke shapes are looked up
 * only once the request itself is valid, because the lookup trusts its model URL.
 *
 * @throws ValidationError naming each refused field (`request.minCapacity`, `smokeShapes.0.body`).
 */
function checkRollout(deps: DashboardApiDeps, raw: unknown) {
  const body = parseOrThrow(rolloutBodySchema, raw);
  const started = { executionId: 'dashboard-precheck', startedAt: new Date(deps.now()).toISOString() };
  const { request } = planRollout({ request: body.request, smokeShapes: [], ...started }, deps.mode);
  const smokeShapes = body.smokeShapes ?? deps.smokeShapes?.(request.modelDataUrl) ?? [];
  const plan = planRollout({ request: body.request, smokeShapes, ...started }, deps.mode);
  return { plan, input: { request: body.request, smokeShapes }, name: body.name };
}

/**
 * The prewarm execution input for an operator's "pre-warm now": a window that starts now and
 * holds for `holdMinutes`. It only raises: the floor to come back to is the current one.
 *
 * @throws ValidationError when the endpoint does not exist or `minCapacity` raises nothing.
 */
async function prewarmInput(deps: DashboardApiDeps, body: PrewarmBody) {
  const [summary] = await summarizeEndpoints(deps.endpoints, body.endpoint);
  if (!summary) throw ValidationError.field('endpoint', `endpoint ${body.endpoint} does not exist`);
  const variant = summary.variants[0];
  const floor = variant?.floor ?? MIN_FLOOR;
  if (body.minCapacity <= floor) {
    throw ValidationError.field(
      'minCapacity',
      `must be above the current floor (${floor}) to pre-warm anything`,
    );
  }
  const nowMs = deps.now();
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').slice(0, 15);
  const input = {
    endpoint: body.endpoint,
    ...(variant ? { variant: variant.name } : {}),
    windowId: `dashboard-${stamp}`,
    releases: body.releases,
    releaseAt: new Date(nowMs).toISOString(),
    restoreAt: new Date(nowMs + body.holdMinutes * 60_000).toISOString(),
    minCapacity: body.minCapacity,
    baseFloor: floor,
    ...(variant?.max ? { maxCapacity: Math.max(variant.max, body.minCapacity) } : {}),
  };
  // The state machine's first step runs this same check; running it here refuses a bad window
  // before an execution exists.
  planPrewarm(input);
  return input;
}

async function metrics(deps: DashboardApiDeps, query: URLSearchParams): Promise<MetricsResponse> {
  const { endpoint, minutes } = parseQuery(metricsQuerySchema, query);
  const nowMs = deps.now();
  const fromMs = nowMs - minutes * 60_000;
  // A sixth of the window ahead of now, so the next release's marker is on the chart.
  const toMs = nowMs + (minutes * 60_000) / 6;
  const [summary] = await summarizeEndpoints(deps.endpoints, endpoint);
  if (!summary) throw new NotFoundError(`endpoint ${endpoint} does not exist`);
  const variant = summary.variants[0]?.name ?? 'AllTraffic';
  const points = await deps.capacityHistory.points({ endpoint, variant, fromMs, toMs: nowMs });
  const latency = await deps.latency
    .points({ endpoint, variant, fromMs, toMs: nowMs, periodSeconds: deps.latencyPeriodSeconds })
    .then((latencyPoints) => ({
      available: true as const,
      periodSeconds: deps.latencyPeriodSeconds,
      points: latencyPoints,
    }))
    .catch((error: unknown) => ({
      available: false as const,
      reason: error instanceof WarmgateError ? error.message : 'CloudWatch did not answer',
    }));
  return {
    endpoint,
    fromMs,
    toMs,
    capacity: { source: deps.capacityHistory.source, points: [...points, capacityPointOf(summary, nowMs)] },
    latency,
    markers: await releaseMarkers(deps, endpoint, fromMs, toMs),
  };
}

async function releaseMarkers(
  deps: DashboardApiDeps,
  endpoint: string,
  fromMs: number,
  toMs: number,
): Promise<ChartMarker[]> {
  const plan = await deps.calendar?.load({ fromMs, untilMs: toMs });
  if (!plan) return [];
  return (
    windowsBetween(plan, fromMs, toMs)
      .filter((window) => window.endpoint === endpoint)
      .flatMap((window) => [
        { t: Date.parse(window.raiseAt), label: `raise to ${window.minCapacity}` },
        { t: Date.parse(window.releaseAt), label: window.titles.join(', ') },
      ])
      // A window already under way when planned raises "now" (its planning time); that is no event.
      .filter((marker) => marker.t > fromMs && marker.t <= toMs)
  );
}

async function releases(deps: DashboardApiDeps, query: URLSearchParams): Promise<ReleasesResponse> {
  const { hours } = parseQuery(releasesQuerySchema, query);
  const nowMs = deps.now();
  const [machines, plan] = await Promise.all([
    deps.executions.machines(),
    deps.calendar?.load({ fromMs: nowMs, untilMs: nowMs + hours * 3_600_000 }),
  ]);
  const prewarmDeployed = machines.prewarm !== null;
  if (!plan) {
    return { calendar: null, plannedAt: null, plannedUntil: null, prewarmDeployed, hours, releases: [] };
  }
  return {
    calendar: plan.calendar,
    plannedAt: plan.plannedAt,
    plannedUntil: plan.plannedUntil,
    prewarmDeployed,
    hours,
    releases: plannedReleases(plan, await summarizeEndpoints(deps.endpoints), {
      nowMs,
      hours,
      prewarmDeployed,
    }),
  };
}
