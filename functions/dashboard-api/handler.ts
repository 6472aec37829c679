/**
 * The dashboard Lambda, behind an API Gateway HTTP API (payload format 2.0).
 *
 * What it expects from the stack (infra/):
 * - Routes `GET /` and `GET /dashboard/{proxy+}` without an authoriser (the page holds no data),
 *   and `ANY /api/{proxy+}` with a Cognito JWT authoriser. API Gateway answers 401 itself to a
 *   missing or invalid token; this handler answers 401 too when an `/api/*` request reaches it
 *   without verified claims (a route deployed without the authoriser), so the API never opens
 *   by mistake.
 * - The page sends the Cognito access or ID token as `Authorization: Bearer …`; it takes the
 *   token from the URL (`?token=` or the hosted UI's `#access_token=`/`#id_token=` fragment).
 * - The built page in `DASHBOARD_ASSETS_DIR` (default: `dashboard-assets/` beside the bundle);
 *   the CDK bundling runs `node --import tsx dashboard/build.ts --out <bundle>/dashboard-assets`.
 * - Optional `RELEASE_PLAN_URL` (`s3://BUCKET/KEY`): the release plan calendar-sync publishes,
 *   which the releases panel and chart markers show. The dashboard does not parse calendars.
 * - IAM: sagemaker:ListEndpoints/DescribeEndpoint/DescribeEndpointConfig,
 *   application-autoscaling:DescribeScalableTargets/DescribeScalingActivities,
 *   cloudwatch:GetMetricData, states:ListStateMachines/ListExecutions/DescribeExecution/
 *   GetExecutionHistory/StartExecution/StopExecution on the warmgate machines, s3:GetObject on
 *   the release plan.
 */
import { fileURLToPath } from 'node:url';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { ApplicationAutoScalingVariantReader } from '../adapters/application-auto-scaling-variant-reader.js';
import { S3ReleasePlan } from '../adapters/s3-release-plan.js';
import { SageMakerEndpointReader } from '../adapters/sagemaker-endpoint-reader.js';
import { apiHandler } from '../shared/api-handler.js';
import { clientConfig, modeVars, readConfig } from '../shared/runtime-config.js';
import { lambdaS3Objects } from '../shared/s3-objects-deps.js';
import { ScalingActivityHistory } from './capacity-history.js';
import {
  type ApiRequest,
  createDashboardApi,
  type DashboardApi,
  type DashboardApiDeps,
} from './dashboard-api.js';
import { SageMakerEndpointCatalog } from './endpoint-summary.js';
import { ExecutionTracker } from './execution-tracker.js';
import { CloudWatchLatencySource } from './latency-metrics.js';
import { type PageAssets, readPageAssets } from './page-assets.js';

export interface DashboardHandlerDeps extends Omit<DashboardApiDeps, 'assets'> {
  /** Reads the built page once, at the first request. */
  readonly assets?: () => Promise<PageAssets>;
}

/**
 * True when API Gateway's JWT authoriser verified the caller: it passes the token's claims, and
 * every Cognito token has a `sub`.
 */
export function hasVerifiedClaims(request: ApiRequest): boolean {
  return typeof request.claims?.sub === 'string' && request.claims.sub.length > 0;
}

/** The dashboard request an HTTP API (payload 2.0) event carries. */
export function requestFromEvent(event: APIGatewayProxyEventV2WithJWTAuthorizer): ApiRequest {
  const raw = event.body ?? '';
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query: new URLSearchParams(event.rawQueryString ?? ''),
    headers: Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    body: event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw,
    claims: event.requestContext.authorizer?.jwt?.claims,
  };
}

export function makeHandler(deps: DashboardHandlerDeps) {
  let api: Promise<DashboardApi> | undefined;
  const build = async () => {
    const { assets: loadAssets, ...rest } = deps;
    return createDashboardApi({ ...rest, assets: loadAssets ? await loadAssets() : undefined });
  };
  return apiHandler(
    'dashboard-api',
    async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => {
      api ??= build().catch((error: unknown) => {
        // A failed asset read is retried by the next request rather than cached forever.
        api = undefined;
        throw error;
      });
      const response = await (await api)(requestFromEvent(event));
      const binary = Buffer.isBuffer(response.body);
      return {
        statusCode: response.status,
        headers: { ...response.headers },
        body: binary ? (response.body as Buffer).toString('base64') : (response.body as string),
        isBase64Encoded: binary,
      };
    },
  );
}

const dashboardVars = {
  ...modeVars,
  DASHBOARD_ASSETS_DIR: z.string().min(1).optional(),
  RELEASE_PLAN_URL: z
    .string()
    .regex(/^s3:\/\//, 'must be s3://BUCKET/KEY')
    .optional(),
  /** The endpoint-name prefix the stack's permissions are scoped to; empty lists every endpoint. */
  ENDPOINT_PREFIX: z.string().default(''),
};

export function defaultDeps(): DashboardHandlerDeps {
  const config = readConfig(dashboardVars);
  const sagemaker = new SageMakerClient(clientConfig());
  const scalingClient = new ApplicationAutoScalingClient(clientConfig());
  const assetsDir =
    config.DASHBOARD_ASSETS_DIR ?? fileURLToPath(new URL('./dashboard-assets/', import.meta.url));
  return {
    mode: config.WARMGATE_MODE,
    endpoints: {
      catalog: new SageMakerEndpointCatalog(sagemaker, config.ENDPOINT_PREFIX),
      host: new SageMakerEndpointReader(sagemaker),
      scaling: new ApplicationAutoScalingVariantReader(scalingClient),
    },
    executions: new ExecutionTracker(new SFNClient(clientConfig())),
    capacityHistory: new ScalingActivityHistory(scalingClient),
    latency: new CloudWatchLatencySource(new CloudWatchClient(clientConfig())),
    latencyPeriodSeconds: 60,
    calendar: config.RELEASE_PLAN_URL
      ? new S3ReleasePlan(lambdaS3Objects(), config.RELEASE_PLAN_URL)
      : undefined,
    assets: () => readPageAssets(assetsDir),
    authorize: hasVerifiedClaims,
    now: Date.now,
    onUnexpected: (error) => console.error('dashboard-api: unexpected error', error),
  };
}

export const handler = makeHandler(defaultDeps());
