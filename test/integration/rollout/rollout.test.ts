import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeScalingPoliciesCommand } from '@aws-sdk/client-application-auto-scaling';
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeEndpointCommand,
  DescribeModelCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListModelsCommand,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import {
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../cli/command-errors.js';
import { runRollout } from '../../../cli/rollout-runner.js';
import { CONTROL_PLANE_TABLES } from '../../../functions/adapters/control-plane-tables.js';
import { DynamoDbEndpointLock } from '../../../functions/adapters/dynamodb-endpoint-lock.js';
import { LOCAL_LOCK_TAKEOVER_GRACE_MS } from '../../../local/control-plane/install-control-plane.js';
import {
  executionResult,
  floorOf,
  IMAGE,
  rolloutRequest,
  runCli,
  type StackFixture,
  startRollout,
  startStackFixture,
} from '../support/stack-fixture.js';

const SAGEMAKER_OPERATIONS = [
  'CreateModel',
  'CreateEndpointConfig',
  'CreateEndpoint',
  'DescribeEndpoint',
  'DescribeEndpointConfig',
  'UpdateEndpoint',
];

describe('rollout', () => {
  let f: StackFixture;

  beforeAll(async () => {
    f = await startStackFixture();
  });

  afterAll(async () => {
    if (process.env.DEBUG_REGION) console.log(f?.requestLog.filter((l) => !l.startsWith('200')).join('\n'));
    await f?.close();
  });

  /** A rollout whose `step` Lambda dies once right after doing its work; it must still succeed. */
  async function rollOutThroughOneCrash(step: string, endpoint: string) {
    f.stack.controlPlane.functions.crashAfterRun(step, 1);
    const arn = await startRollout(f, rolloutRequest(endpoint, f.modelV1));
    const out = await executionResult(f, arn);
    expect(out.status).toBe('SUCCEEDED');
    const history = await f.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    const crashes = history.events?.filter(
      (e) =>
        e.type === 'LambdaFunctionFailed' &&
        e.lambdaFunctionFailedEventDetails?.error === 'Runtime.ExitError',
    );
    expect(crashes).toHaveLength(1);
    return { arn, out };
  }

  async function rollOut(endpoint: string, modelDir: string) {
    const out = await executionResult(f, await startRollout(f, rolloutRequest(endpoint, modelDir)));
    expect({ status: out.status, cause: out.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
    return out;
  }

  it('ends with 2 InService instances, a floor of 2 and a passed smoke test when started from the CLI', async () => {
    const result = await runCli(f, [
      'rollout',
      '--endpoint',
      'cli-fresh',
      '--image',
      IMAGE,
      '--model-data',
      `file://${f.modelV1}`,
      '--wait',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const last = events.at(-1);
    expect(last.event).toBe('succeeded');
    expect(last.output.verification.smoke.map((s: { shape: string }) => s.shape).sort()).toEqual(
      f.smokeShapes.map((s) => s.name).sort(),
    );
    expect(events.some((e) => e.event === 'progress' && e.state === 'VerifyCapacity')).toBe(true);

    const endpoint = await f.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'cli-fresh' }));
    expect(endpoint.EndpointStatus).toBe('InService');
    expect(endpoint.ProductionVariants?.[0]?.CurrentInstanceCount).toBe(2);
    expect(await floorOf(f, 'cli-fresh')).toBe(2);
    const policies = await f.scaling.send(
      new DescribeScalingPoliciesCommand({
        ServiceNamespace: 'sagemaker',
        ResourceId: 'endpoint/cli-fresh/variant/AllTraffic',
      }),
    );
    expect(
      policies.ScalingPolicies?.[0]?.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification
        ?.PredefinedMetricType,
    ).toBe('SageMakerVariantConcurrentRequestsPerModelHighResolution');
  });

  it('serves every request from a warm instance while an update rolls out', async () => {
    await rollOut('blue-green', f.modelV1);
    const readyAt = new Map<string, number>();
    const track = () => {
      for (const endpoint of f.stack.region.hosting.snapshot()) {
        for (const fleet of endpoint.fleets) {
          for (const instance of fleet.instances) {
            if (instance.readyAt && !readyAt.has(instance.id))
              readyAt.set(instance.id, Date.parse(instance.readyAt));
          }
        }
      }
    };
    track();
    const unsubscribe = f.stack.region.hosting.subscribe(track);

    const served: Array<{ ok: boolean; routedAt: number; instance: string | undefined; error?: string }> = [];
    let updating = true;
    const client = async () => {
      while (updating) {
        let routedAt = Number.NaN;
        let instance: string | undefined;
        const command = new InvokeEndpointCommand({
          EndpointName: 'blue-green',
          ContentType: 'application/json',
          Body: JSON.stringify({ query: 'a dark fantasy revenge story', topK: 3 }),
        });
        command.middlewareStack.add(
          (next) => async (args) => {
            const out = await next(args);
            const headers = (out.response as { headers: Record<string, string> }).headers;
            instance = headers['x-warmgate-instance-id'];
            routedAt = Number(headers['x-warmgate-routed-at']);
            return out;
          },
          { step: 'deserialize' },
        );
        try {
          await f.runtime.send(command);
          served.push({ ok: true, routedAt, instance });
        } catch (error) {
          served.push({ ok: false, routedAt, instance, error: String(error) });
        }
      }
    };
    const clients = [client(), client()];
    await rollOut('blue-green', f.modelV2);
    // Keep the load on briefly after the cutover, so the new fleet is seen serving it too.
    await new Promise((resolve) => setTimeout(resolve, 500));
    updating = false;
    await Promise.all(clients);
    unsubscribe();
    track();

    expect(served.length).toBeGreaterThan(20);
    expect(served.filter((r) => !r.ok).map((r) => r.error)).toEqual([]);
    const cold = served.filter((r) => {
      const ready = r.instance ? readyAt.get(r.instance) : undefined;
      // Routed before its instance had passed /ping (or with no routing time at all) is cold.
      return ready === undefined || !(ready <= r.routedAt);
    });
    expect(cold).toEqual([]);
    // Both generations served: the test really spanned the cutover.
    expect(new Set(served.map((r) => r.instance)).size).toBeGreaterThanOrEqual(3);
  });

  it('fails with a clear cause, keeps the old fleet serving and releases the lock when the new model is broken', async () => {
    await rollOut('broken-update', f.modelV1);
    const before = await f.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'broken-update' }));
    const out = await executionResult(
      f,
      await startRollout(f, rolloutRequest('broken-update', f.brokenModel)),
    );
    expect(out.status).toBe('FAILED');
    expect(out.error).toBe('DeploymentFailedError');
    expect(out.cause).toMatch(/rolled the update back|ping health check/);

    const after = await f.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'broken-update' }));
    expect(after.EndpointStatus).toBe('InService');
    expect(after.EndpointConfigName).toBe(before.EndpointConfigName);
    expect(after.FailureReason).toMatch(/ping/);
    const answer = await f.runtime.send(
      new InvokeEndpointCommand({
        EndpointName: 'broken-update',
        ContentType: 'application/json',
        Body: JSON.stringify({ query: 'volleyball', topK: 1 }),
      }),
    );
    expect(answer.$metadata.httpStatusCode).toBe(200);
    const lock = await f.dynamodb.send(
      new GetItemCommand({
        TableName: CONTROL_PLANE_TABLES.locks.name,
        Key: { endpointName: { S: 'broken-update' } },
      }),
    );
    expect(lock.Item).toBeUndefined();
  });

  it('succeeds when 30% of SageMaker calls are throttled', async () => {
    const logStart = f.requestLog.length;
    for (const operation of SAGEMAKER_OPERATIONS) f.stack.region.faults.throttle(operation, 0.3);
    try {
      await rollOut('throttled', f.modelV1);
    } finally {
      f.stack.region.faults.clear();
    }
    const throttled = f.requestLog.slice(logStart).filter((line) => /^400 SageMaker\./.test(line));
    expect(throttled.length).toBeGreaterThan(0);
  });

  it('lets exactly one of two concurrent rollouts on one endpoint proceed', async () => {
    await rollOut('contended', f.modelV1);
    // A two-minute bake (12 s at this region's time scale) keeps the winner's update running far
    // longer than the loser's limited wait for the lock, as a real GPU rollout would.
    const baking = { strategy: { type: 'all-at-once', waitIntervalSeconds: 120 } };
    const [a, b] = await Promise.all([
      startRollout(f, rolloutRequest('contended', f.modelV2, baking)),
      startRollout(
        f,
        rolloutRequest('contended', f.modelV1, { ...baking, instanceCount: 3, maxCapacity: 4 }),
      ),
    ]);
    const results = await Promise.all([executionResult(f, a), executionResult(f, b)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual(['FAILED', 'SUCCEEDED']);
    const loser = results.find((r) => r.status === 'FAILED');
    const winner = results.find((r) => r.status === 'SUCCEEDED');
    expect(loser?.error).toBe('LockBusyError');
    expect(loser?.cause).toMatch(/locked by arn:aws:states:.*execution/);
    // Failing fast: the loser gave up while the winner was still rolling out.
    expect(loser?.stopDate?.getTime()).toBeLessThan(winner?.stopDate?.getTime() ?? 0);
  });

  it('takes over the lock of a rollout stopped while holding it, instead of waiting out its lease', async () => {
    const lockHolder = async () =>
      (
        await f.dynamodb.send(
          new GetItemCommand({
            TableName: CONTROL_PLANE_TABLES.locks.name,
            Key: { endpointName: { S: 'takeover' } },
            ConsistentRead: true,
          }),
        )
      ).Item?.owner?.S;
    const stopped = await startRollout(f, rolloutRequest('takeover', f.modelV1));
    // Stop it once it holds the lock and has asked SageMaker for the endpoint.
    for (let i = 0; ; i++) {
      const history = await f.sfn.send(new GetExecutionHistoryCommand({ executionArn: stopped }));
      if (history.events?.some((e) => e.stateExitedEventDetails?.name === 'CreateOrUpdate')) break;
      if (i > 400) throw new Error('the first rollout never left CreateOrUpdate');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await f.sfn.send(new StopExecutionCommand({ executionArn: stopped, cause: 'operator stopped it' }));
    // A stopped execution runs no Catch: its lease, hours long for a rollout, is still there.
    expect(await lockHolder()).toBe(stopped);
    // The step it was running may still be going: the lock is only taken once that grace is over.
    await new Promise((resolve) => setTimeout(resolve, LOCAL_LOCK_TAKEOVER_GRACE_MS + 200));

    const next = await executionResult(f, await startRollout(f, rolloutRequest('takeover', f.modelV1)));
    expect({ status: next.status, cause: next.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
    const { lock } = JSON.parse(next.output ?? '{}') as { lock: { tookOverFrom?: string } };
    expect(lock.tookOverFrom).toBe(stopped);
    expect(await lockHolder()).toBeUndefined();
  });

  it('refuses every changing step of an execution that lost its lock, changing nothing (what a redrive would meet)', async () => {
    const first = await rollOut('fenced', f.modelV1);
    const {
      plan,
      deployment,
      lock: firstLock,
    } = JSON.parse(first.output ?? '{}') as {
      plan: { executionId: string; request: Record<string, unknown> };
      deployment: Record<string, unknown>;
      lock: Record<string, unknown>;
    };
    const endpointBefore = await f.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'fenced' }));
    // The next rollout holds the lock now; the first one is resumed past its AcquireLock step,
    // asking for a new model and a higher floor.
    const nextRollout = `${first.executionArn}-next`;
    const lock = new DynamoDbEndpointLock(f.dynamodb, CONTROL_PLANE_TABLES.locks.name);
    await lock.acquire({
      endpoint: 'fenced',
      owner: nextRollout,
      purpose: 'rollout',
      now: new Date(),
      leaseSeconds: 600,
    });
    const stale = {
      ...plan,
      request: { ...plan.request, modelDataUrl: `file://${f.modelV2}`, instanceCount: 3, minCapacity: 3 },
    };
    const logStart = f.requestLog.length;
    const steps: Array<[string, unknown]> = [
      ['warmgate-create-or-update', { plan: stale, lock: firstLock }],
      ['warmgate-ensure-floor', { plan: stale, deployment }],
      [
        'warmgate-rollback',
        {
          plan: stale,
          deployment: { ...deployment, action: 'updated', previousConfigName: 'fenced-older-config' },
        },
      ],
    ];
    // A pre-warm of the same endpoint, resumed at its floor steps, meets the same fence.
    const window = {
      endpoint: 'fenced',
      variant: 'AllTraffic',
      windowId: 'fenced-window',
      releases: ['One Piece 1200'],
      releaseAt: new Date(Date.now() + 3_600_000).toISOString(),
      restoreAt: new Date(Date.now() + 7_200_000).toISOString(),
      minCapacity: 4,
      baseFloor: 2,
      smoke: { latencyBudgetMs: 2000, shapes: [] },
      leaseSeconds: 900,
    };
    const prewarmOwner = `${first.executionArn}-prewarm`;
    steps.push(
      ['warmgate-raise-floor', { prewarm: window, owner: prewarmOwner }],
      ['warmgate-restore-floor', { prewarm: window, owner: prewarmOwner }],
    );
    const outDir = mkdtempSync(join(tmpdir(), 'warmgate-fence-'));
    for (const [name, payload] of steps) {
      // The AWS CLI, a Lambda client nobody here wrote, invokes each step as Step Functions would.
      const outFile = join(outDir, `${name}.json`);
      const { stdout } = await promisify(execFile)(
        'aws',
        [
          '--endpoint-url',
          f.stack.region.url,
          '--region',
          'us-east-1',
          '--output',
          'json',
          'lambda',
          'invoke',
          '--function-name',
          name,
          '--payload',
          JSON.stringify(payload),
          outFile,
        ],
        { env: f.env },
      );
      expect(JSON.parse(stdout).FunctionError, name).toBe('Unhandled');
      const failure = JSON.parse(readFileSync(outFile, 'utf8')) as {
        errorType: string;
        errorMessage: string;
      };
      expect(failure.errorType, `${name}: ${failure.errorMessage}`).toBe('LockLostError');
      expect(failure.errorMessage).toContain(nextRollout);
    }
    // Only writes that went through (200); the region logs each call by its X-Amz-Target.
    const changes = f.requestLog
      .slice(logStart)
      .filter((line) =>
        /^200 (SageMaker\.(Create|Update|Delete)|AnyScaleFrontendService\.(Register|Deregister|Put|Delete)|DynamoDB_20120810\.(Put|Update|Delete|BatchWrite|TransactWrite))/.test(
          line,
        ),
      );
    expect(changes).toEqual([]);
    const endpointAfter = await f.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'fenced' }));
    expect(endpointAfter.EndpointConfigName).toBe(endpointBefore.EndpointConfigName);
    expect(await floorOf(f, 'fenced')).toBe(2);
    const holds = await f.dynamodb.send(
      new QueryCommand({
        TableName: CONTROL_PLANE_TABLES.holds.name,
        KeyConditionExpression: 'endpointName = :e',
        ExpressionAttributeValues: { ':e': { S: 'fenced' } },
        ConsistentRead: true,
      }),
    );
    // The first rollout's own floor hold, untouched; no window hold, no raised floor.
    expect(holds.Items?.map((h) => [h.holdId?.S, h.minCapacity?.N])).toEqual([['rollout-floor', '2']]);
    expect(await lock.release('fenced', nextRollout)).toBe(true);
  });

  it('retries a Lambda that crashed after doing its work, without creating anything twice', async () => {
    const logStart = f.requestLog.length;
    const { out } = await rollOutThroughOneCrash('warmgate-create-or-update', 'crash-retry');

    const { deployment } = JSON.parse(out.output ?? '{}') as { deployment: { modelName: string } };
    const model = await f.sagemaker.send(new DescribeModelCommand({ ModelName: deployment.modelName }));
    expect(model.PrimaryContainer?.Image).toBe(IMAGE);
    const models = await f.sagemaker.send(new ListModelsCommand({ NameContains: 'crash-retry' }));
    const configs = await f.sagemaker.send(new ListEndpointConfigsCommand({ NameContains: 'crash-retry' }));
    expect(models.Models?.map((m) => m.ModelName)).toEqual([deployment.modelName]);
    expect(configs.EndpointConfigs).toHaveLength(1);
    const calls = f.requestLog.slice(logStart);
    const created = (op: string) => calls.filter((line) => line.startsWith(`200 SageMaker.${op} `)).length;
    expect(created('CreateEndpoint')).toBe(1);
  });

  it('keeps one audit record of a rollout whose Record step crashed after writing it', async () => {
    const { arn } = await rollOutThroughOneCrash('warmgate-record', 'audit-retry');
    const records = await f.dynamodb.send(
      new QueryCommand({
        TableName: CONTROL_PLANE_TABLES.audit.name,
        KeyConditionExpression: 'endpointName = :e',
        ExpressionAttributeValues: { ':e': { S: 'audit-retry' } },
        ConsistentRead: true,
      }),
    );
    expect(records.Items?.map((item) => JSON.parse(item.record?.S ?? '{}').executionId)).toEqual([arn]);
  });

  it('fails before any change, naming each bad field, when the execution input is malformed', async () => {
    const out = await f.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: f.stack.controlPlane.stateMachineArns.rollout,
        input: JSON.stringify({
          request: { endpoint: 'malformed', minCapacity: 1 },
          smokeShapes: [{ name: 'x' }],
        }),
      }),
    );
    const result = await executionResult(f, out.executionArn ?? '');
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ValidationError');
    const cause = JSON.parse(result.cause ?? '{}').errorMessage as string;
    for (const field of [
      'request.image',
      'request.modelDataUrl',
      'request.minCapacity',
      'smokeShapes.0.body',
    ]) {
      expect(cause).toContain(field);
    }
    const endpoints = await f.sagemaker.send(new ListEndpointsCommand({}));
    expect(endpoints.Endpoints?.map((e) => e.EndpointName)).not.toContain('malformed');
  });

  it('exits 2 and creates nothing when the input is invalid', async () => {
    const before = await f.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: f.stack.controlPlane.stateMachineArns.rollout }),
    );
    const result = await runCli(f, [
      'rollout',
      '--endpoint',
      'bad_name!',
      '--image',
      IMAGE,
      '--model-data',
      `file://${f.modelV1}`,
      '--min',
      '1',
      '--instance-type',
      'ml.bogus.huge',
      '--wait',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/endpoint:/);
    expect(result.stderr).toMatch(/minCapacity: must be at least 2/);
    expect(result.stderr).toMatch(/instanceType: unknown instance type/);
    const after = await f.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: f.stack.controlPlane.stateMachineArns.rollout }),
    );
    expect(after.executions?.length).toBe(before.executions?.length);
    const endpoints = await f.sagemaker.send(new ListEndpointsCommand({}));
    expect(endpoints.Endpoints?.map((e) => e.EndpointName)).not.toContain('bad_name!');
  });

  it('names every missing required option at once, with the usage, and exits 2', async () => {
    const before = await f.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: f.stack.controlPlane.stateMachineArns.rollout }),
    );
    const none = await runCli(f, ['rollout']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /required options '--endpoint <name>', '--image <uri>', '--model-data <url>' not specified/,
    );
    expect(none.stderr).toContain('Usage: warmgate rollout');
    const some = await runCli(f, ['rollout', '--endpoint', 'manga-recs']);
    expect(some.code).toBe(2);
    expect(some.stderr).toMatch(/required options '--image <uri>', '--model-data <url>' not specified/);
    const one = await runCli(f, ['rollout', '--image', IMAGE, '--model-data', `file://${f.modelV1}`]);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/required option '--endpoint <name>' not specified/);
    const after = await f.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: f.stack.controlPlane.stateMachineArns.rollout }),
    );
    expect(after.executions?.length).toBe(before.executions?.length);
  });

  it('exits 1 naming CreateModel once when the model data is refused after the execution started', async () => {
    const result = await runCli(f, [
      'rollout',
      '--endpoint',
      'cli-missing-data',
      '--image',
      IMAGE,
      '--model-data',
      'file:///nonexistent',
      '--wait',
    ]);
    // The execution started and its CreateOrUpdate step failed: a failed rollout (exit 1), even
    // though SageMaker's answer was a ValidationException, not input refused before any change.
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^rollout started: /m);
    expect(result.stdout).toMatch(
      /rollout failed: ValidationError: CreateModel: PrimaryContainer\.ModelDataUrl: .*file:\/\/\/nonexistent/,
    );
    expect(result.stdout).not.toMatch(/CreateModel: CreateModel/);
    const endpoints = await f.sagemaker.send(new ListEndpointsCommand({}));
    expect(endpoints.Endpoints?.map((e) => e.EndpointName)).not.toContain('cli-missing-data');
  });

  it('exits 2 with --wait when the execution stops in its first step, which refused the input', async () => {
    // The CLI validates with the same schema first, so only an input that slips past it (another
    // version of the CLI, say) reaches the machine's own refusal; drive the runner directly.
    const lines: Array<Record<string, unknown>> = [];
    const code = await runRollout(
      f.sfn,
      f.stack.controlPlane.stateMachineArns.rollout,
      { request: { endpoint: 'refused-by-machine', minCapacity: 1 }, smokeShapes: [] },
      { wait: true, print: (_human, machine) => lines.push(machine) },
    );
    expect(code).toBe(EXIT.refused);
    expect(lines.at(-1)).toMatchObject({ event: 'failed', error: 'ValidationError' });
    expect(lines.some((line) => line.event === 'progress' && line.state === 'InputRefused')).toBe(true);
  });
});
