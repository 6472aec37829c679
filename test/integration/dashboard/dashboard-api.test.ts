import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../../dashboard/build.js';
import type {
  EndpointsResponse,
  ExecutionsResponse,
  MetricsResponse,
  ProgressResponse,
  ReleasesResponse,
  RolloutCheckResponse,
  StartedResponse,
} from '../../../functions/dashboard-api/api-contract.js';
import { SageMakerEndpointCatalog } from '../../../functions/dashboard-api/endpoint-summary.js';
import { hasVerifiedClaims, makeHandler } from '../../../functions/dashboard-api/handler.js';
import { readPageAssets } from '../../../functions/dashboard-api/page-assets.js';
import { localDashboardDeps } from '../../../local/dashboard/install-dashboard.js';
import {
  type DashboardStack,
  EXAMPLE_CALENDAR,
  eventually,
  LOCAL_IMAGE,
  runCli,
  startDashboardStack,
} from './dashboard-fixture.js';

interface ErrorBody {
  error: { code: string; message: string; issues?: Array<{ field: string; message: string }> };
}

describe('dashboard API in the local region', () => {
  let env: DashboardStack;
  const request = () => ({
    endpoint: 'manga-recs',
    image: LOCAL_IMAGE,
    modelDataUrl: `file://${env.modelV1}`,
  });

  beforeAll(async () => {
    env = await startDashboardStack();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('answers 401 JSON to every /api route when the token is missing or wrong', async () => {
    const routes: Array<[string, string]> = [
      ['GET', '/api/endpoints'],
      ['GET', '/api/executions'],
      ['GET', '/api/metrics?endpoint=manga-recs'],
      ['GET', '/api/releases'],
      ['POST', '/api/rollouts'],
      ['POST', '/api/prewarms'],
      ['POST', '/api/executions/stop'],
      ['GET', '/api/no-such-route'],
    ];
    for (const [method, path] of routes) {
      for (const token of [null, 'not-the-token', `${env.dashboard.token}x`]) {
        const answer = await env.call<ErrorBody>(path, {
          method,
          token,
          ...(method === 'POST' ? { body: {} } : {}),
        });
        expect(answer.status, `${method} ${path} with ${token}`).toBe(401);
        expect(answer.body.error.code).toBe('UNAUTHORIZED');
      }
    }
    expect(await env.executionCount()).toBe(0);
  });

  it('serves the page at / without a token, with a content security policy', async () => {
    const page = await env.call<string>('/', { token: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.body).toContain('/dashboard/app.js');
    const script = await env.call<string>('/dashboard/app.js', { token: null });
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(env.dashboard.url).toBe(`${env.stack.region.url}/?token=${env.dashboard.token}`);
  });

  it('refuses a bad rollout field by field and starts nothing', async () => {
    const bad = { ...request(), minCapacity: 1, image: 'nginx:latest', instanceCount: 'two' };
    const check = await env.call<RolloutCheckResponse>('/api/rollouts/check', { body: { request: bad } });
    expect(check.status).toBe(200);
    expect(check.body.valid).toBe(false);
    const refused = await env.call<ErrorBody>('/api/rollouts', { body: { request: bad } });
    expect(refused.status).toBe(400);
    const fields = refused.body.error.issues?.map((issue) => issue.field).sort();
    expect(fields).toEqual(['request.image', 'request.instanceCount', 'request.minCapacity']);
    expect(refused.body.error.issues?.find((i) => i.field === 'request.minCapacity')?.message).toMatch(
      /at least 2/,
    );
    expect(await env.executionCount()).toBe(0);
  });

  it('fills in the defaults a rollout will use when asked to check one', async () => {
    const check = await env.call<RolloutCheckResponse>('/api/rollouts/check', {
      body: { request: request() },
    });
    expect(check.body).toMatchObject({
      valid: true,
      request: {
        endpoint: 'manga-recs',
        instanceType: 'ml.m5.large',
        instanceCount: 2,
        minCapacity: 2,
        maxCapacity: 4,
      },
    });
    // The model directory's warmup.json supplies the smoke shapes, as it does for the CLI.
    expect(check.body.valid && check.body.smokeShapes).toBeGreaterThan(0);
    expect(await env.executionCount()).toBe(0);
  });

  it('starts a rollout, reports its steps to success and then shows 2 of 2 warm', async () => {
    const started = await env.call<StartedResponse>('/api/rollouts', { body: { request: request() } });
    expect(started.status).toBe(202);
    expect(started.body.execution).toMatchObject({
      kind: 'rollout',
      status: 'RUNNING',
      endpoint: 'manga-recs',
    });
    const progress = await eventually(async () => {
      const answer = await env.call<ProgressResponse>(
        `/api/executions/progress?arn=${encodeURIComponent(started.body.execution.arn)}`,
      );
      return answer.body.execution.status === 'RUNNING' ? undefined : answer.body;
    }, 90_000);
    expect(progress.execution.status).toBe('SUCCEEDED');
    const steps = progress.items.map((item) => item.message);
    expect(steps).toEqual(
      expect.arrayContaining(['CreateOrUpdate', 'VerifyCapacity', 'EnsureFloor', 'succeeded']),
    );
    expect(steps.some((step) => /InService, 2\/2 instances/.test(step))).toBe(true);

    const { body } = await env.call<EndpointsResponse>('/api/endpoints');
    expect(body.endpoints).toHaveLength(1);
    expect(body.endpoints[0]).toMatchObject({ name: 'manga-recs', status: 'InService' });
    expect(body.endpoints[0]?.variants[0]).toMatchObject({
      warmInstances: 2,
      desiredInstances: 2,
      currentInstances: 2,
      warmSource: 'instance-probe',
      floor: 2,
      max: 4,
      image: LOCAL_IMAGE,
      instanceType: 'ml.m5.large',
      readiness: { kind: 'ready', detail: '2 of 2 warm' },
    });

    const executions = await env.call<ExecutionsResponse>('/api/executions');
    expect(executions.body.machines.rollout).toMatch(/:stateMachine:warmgate-rollout$/);
    expect(executions.body.executions[0]).toMatchObject({
      arn: started.body.execution.arn,
      status: 'SUCCEEDED',
      endpoint: 'manga-recs',
      currentStep: 'succeeded',
    });
  });

  it('lists only endpoints whose name starts with the configured prefix', async () => {
    const catalog = (prefix: string) => new SageMakerEndpointCatalog(env.sagemaker, prefix).names();
    expect(await catalog('manga-')).toContain('manga-recs');
    expect(await catalog('other-')).toEqual([]);
    // ListEndpoints matches substrings; "recs" is inside manga-recs but is not its prefix.
    expect(await catalog('recs')).toEqual([]);
  });

  it('shows the same summary through `warmgate status`, as a table and as JSON', async () => {
    const table = await runCli(env, ['status']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ENDPOINT\s+STATUS\s+WARM/);
    expect(table.stdout).toMatch(
      /manga-recs\s+InService\s+2 of 2\s+2\/2\s+2-4\s+warmgate-container:latest\s+ready/,
    );
    const json = await runCli(env, ['status', '--endpoint', 'manga-recs', '--json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as EndpointsResponse;
    // Out of process there is no hosting view: CurrentInstanceCount (instances past /ping) stands in.
    expect(parsed.endpoints[0]?.variants[0]).toMatchObject({
      warmInstances: 2,
      warmSource: 'current-instance-count',
      floor: 2,
      max: 4,
    });
    const missing = await runCli(env, ['status', '--endpoint', 'no-such-endpoint']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no-such-endpoint does not exist');
    const bad = await runCli(env, ['status', '--endpoint', 'not_valid!']);
    expect(bad.code).toBe(2);
  });

  it('charts sampled capacity and the latency of real invocations', async () => {
    for (let i = 0; i < 5; i += 1) {
      await env.runtime.send(
        new InvokeEndpointCommand({
          EndpointName: 'manga-recs',
          ContentType: 'application/json',
          Body: JSON.stringify({ query: 'pirate adventure' }),
        }),
      );
    }
    const metrics = await eventually(async () => {
      const { body } = await env.call<MetricsResponse>('/api/metrics?endpoint=manga-recs&minutes=30');
      const invocations = body.latency.available
        ? body.latency.points.reduce((sum, p) => sum + (p.invocations ?? 0), 0)
        : 0;
      return invocations >= 5 ? body : undefined;
    }, 30_000);
    expect(metrics.capacity.points.length).toBeGreaterThan(1);
    expect(metrics.capacity.points.at(-1)).toMatchObject({ warm: 2, desired: 2, floor: 2 });
    expect(metrics.latency.available && metrics.latency.points.some((p) => (p.averageMs ?? 0) > 0)).toBe(
      true,
    );

    const unknown = await env.call<ErrorBody>('/api/metrics?endpoint=no-such-endpoint');
    expect(unknown.status).toBe(404);
    const bad = await env.call<ErrorBody>('/api/metrics?endpoint=manga-recs&minutes=1');
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues?.[0]?.field).toBe('minutes');
  });

  it('plans upcoming releases from the calendar with a readiness verdict each', async () => {
    const { body } = await env.call<ReleasesResponse>('/api/releases?hours=192');
    expect(body.calendar).toBe(EXAMPLE_CALENDAR);
    expect(body.prewarmDeployed).toBe(true);
    // One Piece drops weekly, so eight days always hold one at least six days away. The latest is
    // taken: an earlier one may be due so soon (or be inside its hold) that its raise is late,
    // planned for now, after the release (CI saw that at 15:39 UTC on a Saturday).
    const onePiece = body.releases
      .filter((r) => r.titles.some((t) => t.startsWith('One Piece')))
      .sort((a, b) => Date.parse(a.releaseAt) - Date.parse(b.releaseAt))
      .at(-1);
    expect(onePiece).toMatchObject({ endpoint: 'manga-recs', baseFloor: 2, timezone: 'Asia/Tokyo' });
    expect(Date.parse(onePiece?.raiseAt ?? '')).toBeLessThan(Date.parse(onePiece?.releaseAt ?? ''));
    expect(['scheduled', 'raising', 'ready', 'at-risk']).toContain(onePiece?.readiness.kind);
  });

  it('refuses a pre-warm that raises nothing, then pre-warms and stops on request', async () => {
    const none = await env.call<ErrorBody>('/api/prewarms', {
      body: { endpoint: 'manga-recs', minCapacity: 2 },
    });
    expect(none.status).toBe(400);
    expect(none.body.error.issues?.[0]?.field).toBe('minCapacity');
    const missing = await env.call<ErrorBody>('/api/prewarms', {
      body: { endpoint: 'nope', minCapacity: 3 },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.issues?.[0]).toMatchObject({ field: 'endpoint' });
    const before = await env.executionCount();
    expect(before).toBe(1);

    const started = await env.call<StartedResponse>('/api/prewarms', {
      body: { endpoint: 'manga-recs', minCapacity: 3, holdMinutes: 5 },
    });
    expect(started.status).toBe(202);
    expect(started.body.execution).toMatchObject({ kind: 'prewarm', endpoint: 'manga-recs' });
    await eventually(async () => {
      const { body } = await env.call<EndpointsResponse>('/api/endpoints');
      const variant = body.endpoints[0]?.variants[0];
      return variant?.floor === 3 && variant.warmInstances === 3 ? variant : undefined;
    }, 60_000);

    const stopped = await env.call<StartedResponse>('/api/executions/stop', {
      body: { arn: started.body.execution.arn },
    });
    expect(stopped.status).toBe(200);
    expect(stopped.body.execution.status).toBe('ABORTED');
    // The stopped pre-warm never reaches its own restore: the window is ended for it, so the
    // floor comes back to 2 instead of staying at 3 until some later floor write.
    expect(stopped.body.ending).toMatchObject({ kind: 'prewarm', endpoint: 'manga-recs' });
    await eventually(async () => {
      const { body } = await env.call<EndpointsResponse>('/api/endpoints');
      return body.endpoints[0]?.variants[0]?.floor === 2 ? true : undefined;
    }, 30_000);
    const ended = await eventually(async () => {
      const { body } = await env.call<ProgressResponse>(
        `/api/executions/progress?arn=${encodeURIComponent(stopped.body.ending?.arn ?? '')}`,
      );
      return body.execution.status === 'RUNNING' ? undefined : body.execution;
    }, 30_000);
    expect(ended.status).toBe('SUCCEEDED');
    // Stopping it again (a stale tab) starts nothing more.
    const again = await env.call<StartedResponse>('/api/executions/stop', {
      body: { arn: started.body.execution.arn },
    });
    expect(again.status).toBe(200);
    expect(again.body.ending).toBeUndefined();
    const foreign = await env.call<ErrorBody>('/api/executions/stop', {
      body: { arn: 'arn:aws:states:us-east-1:123456789012:execution:someone-else:run-1' },
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.issues?.[0]?.field).toBe('arn');
  });
});

describe('dashboard-api Lambda handler', () => {
  let env: DashboardStack;
  let handler: (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<unknown>;
  let closeDeps: () => Promise<void>;
  const context = {
    functionName: 'warmgate-dashboard-api',
    awsRequestId: 'test',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:warmgate-dashboard-api',
    memoryLimitInMB: '512',
    functionVersion: '$LATEST',
    logGroupName: '/aws/lambda/warmgate-dashboard-api',
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 10_000,
  } as unknown as Context;

  const event = (path: string, claims?: Record<string, string>) =>
    ({
      version: '2.0',
      routeKey: '$default',
      rawPath: path,
      rawQueryString: '',
      headers: { accept: 'application/json' },
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
        ...(claims
          ? { authorizer: { jwt: { claims, scopes: [] }, principalId: '', integrationLatency: 0 } }
          : {}),
      },
    }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

  beforeAll(async () => {
    env = await startDashboardStack();
    const local = localDashboardDeps(env.stack.region, { calendarPath: EXAMPLE_CALENDAR });
    closeDeps = () => local.close();
    const page = await buildDashboard();
    handler = makeHandler({
      ...local.deps,
      authorize: hasVerifiedClaims,
      assets: () => readPageAssets(page.dir),
    }) as typeof handler;
  });
  afterAll(async () => {
    await closeDeps?.();
    await env?.close();
  });

  it('answers 401 to an API request that reached it without verified JWT claims', async () => {
    const response = (await handler(event('/api/endpoints'), context)) as APIGatewayProxyStructuredResultV2;
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(String(response.body))).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('serves the API to a caller the authoriser verified, and the page to anyone', async () => {
    const api = (await handler(
      event('/api/endpoints', { sub: 'operator-1', 'cognito:username': 'ops' }),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    expect(api.statusCode).toBe(200);
    expect(JSON.parse(String(api.body))).toMatchObject({ endpoints: [] });
    const page = (await handler(event('/'), context)) as APIGatewayProxyStructuredResultV2;
    expect(page.statusCode).toBe(200);
    expect(page.headers?.['Content-Type']).toContain('text/html');
    expect(Buffer.from(String(page.body), page.isBase64Encoded ? 'base64' : 'utf8').toString()).toContain(
      '/dashboard/app.js',
    );
  });
});
