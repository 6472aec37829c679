import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { DescribeEndpointCommand } from '@aws-sdk/client-sagemaker';
import {
  CreateScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import {
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_PLANE_TABLES } from '../../../functions/adapters/control-plane-tables.js';
import { localClientConfig } from '../../../local/control-plane/local-clients.js';
import {
  executionResult,
  floorOf,
  rolloutRequest,
  runCli,
  type StackFixture,
  startPrewarm,
  startRollout,
  startStackFixture,
} from '../support/stack-fixture.js';

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

describe('pre-warm', () => {
  let f: StackFixture;
  let scheduler: SchedulerClient;

  beforeAll(async () => {
    f = await startStackFixture();
    scheduler = new SchedulerClient(localClientConfig(f.stack.region.url));
  });

  afterAll(async () => {
    scheduler?.destroy();
    await f?.close();
  });

  /** Runs the calendar-sync state machine (read-calendar, then sync-schedules) to its end. */
  async function runCalendarSync(input: Record<string, unknown>) {
    const { executionArn } = await f.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: f.stack.controlPlane.stateMachineArns.calendarSync,
        input: JSON.stringify(input),
      }),
    );
    return executionResult(f, executionArn ?? '');
  }

  async function sync(calendarPath: string) {
    const out = await runCalendarSync({
      calendarUrl: `file://${calendarPath}`,
      warmupUrl: `file://${f.modelV1}/warmup.json`,
    });
    expect(out.status, `${out.error}: ${out.cause}`).toBe('SUCCEEDED');
    return JSON.parse(out.output ?? '{}') as {
      created: string[];
      updated: string[];
      deleted: string[];
      unchanged: string[];
      startedNow: string[];
    };
  }

  it('is warm at the target before the release, then restores the floor to 2', async () => {
    const out = await executionResult(f, await startRollout(f, rolloutRequest('drop-e2e', f.modelV1)));
    expect(out.status).toBe('SUCCEEDED');
    const releaseAt = new Date(Date.now() + 25_000).toISOString();
    const arn = await startPrewarm(f, {
      endpoint: 'drop-e2e',
      windowId: 'op-1150',
      releases: ['one-piece-1150'],
      releaseAt,
      restoreAt: new Date(Date.parse(releaseAt) + 5_000).toISOString(),
      minCapacity: 3,
      baseFloor: 2,
    });
    // Sample the floor while the window is open: it must be raised, and never below 2. At the
    // release, note the instances serving: once the floor is restored the fleet may scale in, so
    // looking after the execution ends could miss the ones that served the drop.
    const floors: number[] = [];
    const serving = () =>
      (
        f.stack.region.hosting
          .snapshot()
          .find((e) => e.name === 'drop-e2e')
          ?.fleets.flatMap((fl) => fl.instances) ?? []
      ).filter((i) => i.phase !== 'terminated' && i.readyAt !== undefined);
    let atRelease: ReturnType<typeof serving> | undefined;
    let done = false;
    const sampler = (async () => {
      while (!done) {
        const floor = await floorOf(f, 'drop-e2e');
        if (floor !== undefined) floors.push(floor);
        if (!atRelease && Date.now() >= Date.parse(releaseAt)) atRelease = serving();
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const result = await executionResult(f, arn);
    done = true;
    await sampler;

    expect({ status: result.status, cause: result.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
    const state = JSON.parse(result.output ?? '{}') as {
      verification: { instances: number; verifiedAt: string; smoke: Array<{ instanceId: string }> };
      readiness: { marginSeconds: number; late: boolean };
      restored: { minCapacity: number };
    };
    expect(state.verification.instances).toBeGreaterThanOrEqual(3);
    expect(Date.parse(state.verification.verifiedAt)).toBeLessThan(Date.parse(releaseAt));
    expect(state.readiness.late).toBe(false);
    expect(state.readiness.marginSeconds).toBeGreaterThan(0);
    expect(Math.max(...floors)).toBe(3);
    expect(Math.min(...floors)).toBeGreaterThanOrEqual(2);
    expect(await floorOf(f, 'drop-e2e')).toBe(2);
    // Every instance serving at the release had passed its warmup-gated /ping before it.
    expect(atRelease?.length).toBeGreaterThanOrEqual(3);
    expect(atRelease?.every((i) => i.pingPassed && Date.parse(i.readyAt ?? '') < Date.parse(releaseAt))).toBe(
      true,
    );
  });

  it('keeps the raised capacity through a rollout that lands inside the release window', async () => {
    const first = await executionResult(f, await startRollout(f, rolloutRequest('drop-rollout', f.modelV1)));
    expect(first.status).toBe('SUCCEEDED');
    const prewarm = await startPrewarm(f, {
      endpoint: 'drop-rollout',
      windowId: 'window-during-rollout',
      releaseAt: minutesFromNow(1),
      restoreAt: minutesFromNow(2),
      minCapacity: 3,
    });
    // Wait until the window's capacity is proven, then roll out a new version inside it.
    for (;;) {
      const history = await f.sfn.send(new GetExecutionHistoryCommand({ executionArn: prewarm }));
      if (history.events?.some((e) => e.stateEnteredEventDetails?.name === 'WaitForHoldEnd')) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const rollout = await executionResult(
      f,
      await startRollout(f, rolloutRequest('drop-rollout', f.modelV2)),
    );
    expect(rollout.status).toBe('SUCCEEDED');
    const { floor, deployment } = JSON.parse(rollout.output ?? '{}') as {
      floor: { minCapacity: number };
      deployment: { initialInstanceCount: number };
    };
    expect(floor.minCapacity).toBe(3);
    expect(deployment.initialInstanceCount).toBe(3);
    const endpoint = await f.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'drop-rollout' }));
    expect(endpoint.ProductionVariants?.[0]?.CurrentInstanceCount).toBeGreaterThanOrEqual(3);
    expect(await floorOf(f, 'drop-rollout')).toBe(3);
    await f.sfn.send(
      new (await import('@aws-sdk/client-sfn')).StopExecutionCommand({ executionArn: prewarm }),
    );
  });

  it('raises capacity from the CLI and exits 0 once it is proven warm', async () => {
    const result = await runCli(f, [
      'prewarm',
      '--endpoint',
      'drop-e2e',
      '--min',
      '3',
      '--release-in',
      '1',
      '--hold-minutes',
      '0.1',
      '--warmup',
      `${f.modelV1}/warmup.json`,
      '--wait',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.at(-1)).toMatchObject({ event: 'ready' });
    expect(lines.at(-1).message).toMatch(/warm \d+ s before the release/);
  });

  it('refuses a floor below 2 from the CLI with exit 2 and starts nothing', async () => {
    const prewarmArn = f.stack.controlPlane.stateMachineArns.prewarm;
    const before = await f.sfn.send(new ListExecutionsCommand({ stateMachineArn: prewarmArn }));
    const result = await runCli(f, ['prewarm', '--endpoint', 'drop-e2e', '--min', '1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/minCapacity: must be at least 2/);
    const after = await f.sfn.send(new ListExecutionsCommand({ stateMachineArn: prewarmArn }));
    expect(after.executions?.length).toBe(before.executions?.length);
  });

  /** Runs `warmgate prewarm ARGS`, checking that it exits 2 and starts no pre-warm; returns stderr. */
  async function refusedPrewarm(...args: string[]): Promise<string> {
    const prewarmArn = f.stack.controlPlane.stateMachineArns.prewarm;
    const before = await f.sfn.send(new ListExecutionsCommand({ stateMachineArn: prewarmArn }));
    const result = await runCli(f, ['prewarm', ...args]);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout).not.toMatch(/pre-warm started/);
    const after = await f.sfn.send(new ListExecutionsCommand({ stateMachineArn: prewarmArn }));
    expect(after.executions?.length).toBe(before.executions?.length);
    return result.stderr;
  }

  it('refuses a pre-warm of an endpoint that does not exist, naming --endpoint, and starts nothing', async () => {
    const stderr = await refusedPrewarm('--endpoint', 'no-such-endpoint', '--min', '3');
    expect(stderr).toMatch(/--endpoint: no endpoint named no-such-endpoint in us-east-1/);
  });

  it('refuses a --release-at that is not in the future and starts nothing', async () => {
    const stderr = await refusedPrewarm(
      '--endpoint',
      'drop-e2e',
      '--min',
      '3',
      '--release-at',
      '2020-01-01T00:00:00Z',
    );
    expect(stderr).toMatch(/--release-at: must be in the future: 2020-01-01T00:00:00\.000Z is not after now/);
  });

  it('refuses a --release-at without Z or an offset, whose instant depends on the machine, and starts nothing', async () => {
    const stderr = await refusedPrewarm(
      '--endpoint',
      'drop-e2e',
      '--min',
      '3',
      '--release-at',
      '2030-01-01T10:00',
    );
    expect(stderr).toMatch(/--release-at: must be an ISO 8601 instant with Z or an offset/);
  });

  it('starts a pre-warm anyway, with a warning, when the endpoint check itself fails', async () => {
    // Every DescribeEndpoint throttled: the advisory check cannot answer, so it must not block a
    // time-critical pre-warm. (An endpoint nobody rolled out: stopping its pre-warm leaves no
    // raised floor behind for the other tests.)
    f.stack.region.faults.throttle('DescribeEndpoint', 1);
    try {
      const result = await runCli(f, [
        'prewarm',
        '--endpoint',
        'unchecked-endpoint',
        '--min',
        '3',
        '--release-in',
        '30',
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/warning: --endpoint: could not check that unchecked-endpoint exists/);
      expect(result.stdout).toMatch(/pre-warm started: arn:aws:states:/);
      const arn = /pre-warm started: (\S+)/.exec(result.stdout)?.[1] ?? '';
      await f.sfn.send(new (await import('@aws-sdk/client-sfn')).StopExecutionCommand({ executionArn: arn }));
    } finally {
      f.stack.region.faults.clear();
    }
  });

  it('refuses --release-in together with --release-at, naming both, and starts nothing', async () => {
    const stderr = await refusedPrewarm(
      '--endpoint',
      'drop-e2e',
      '--min',
      '3',
      '--release-in',
      '5',
      '--release-at',
      minutesFromNow(30),
    );
    expect(stderr).toMatch(/--release-at: cannot be combined with --release-in/);
  });

  it('names every missing required option at once, with the usage, and starts nothing', async () => {
    const none = await refusedPrewarm();
    expect(none).toMatch(/required options '--endpoint <name>', '--min <n>' not specified/);
    expect(none).toContain('Usage: warmgate prewarm');
    expect(await refusedPrewarm('--endpoint', 'drop-e2e')).toMatch(
      /required option '--min <n>' not specified/,
    );
  });

  it('plans with the measured provisioning history from CloudWatch when asked for --history', async () => {
    // Plan from the last Wednesday 00:00 UTC, not from the wall clock: within the ~40 minutes
    // before a Sunday 00:00 JST drop, a raise planned 40 minutes ahead is already late and is
    // clamped to now, which made the two leads differ by less than the history adds (CI failed
    // once at 14:23 UTC on a Saturday). Wednesday is days away from every release in the example.
    const nowMs = lastWednesdayMidnightUtc(Date.now());
    // Five pre-warms that each took 30 minutes to be warm: longer than the calendar's 12-minute
    // configured provisioning time, so the planner must raise the floor earlier.
    await f.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'Warmgate',
        MetricData: [1, 2, 3, 4, 5].map((hoursAgo) => ({
          MetricName: 'ProvisioningToWarm',
          Dimensions: [{ Name: 'EndpointName', Value: 'manga-recs' }],
          Value: 1800,
          Unit: 'Seconds',
          Timestamp: new Date(nowMs - hoursAgo * 3_600_000),
        })),
      }),
    );
    const now = new Date(nowMs).toISOString();
    const plan = async (...extra: string[]) => {
      const result = await runCli(f, [
        'calendar',
        'plan',
        'examples/calendar.yaml',
        '--now',
        now,
        '--json',
        ...extra,
      ]);
      expect(result.code, result.stderr).toBe(0);
      const first = (JSON.parse(result.stdout) as { actions: Array<{ releaseAt: string; raiseAt: string }> })
        .actions[0];
      return (Date.parse(first?.releaseAt ?? '') - Date.parse(first?.raiseAt ?? '')) / 60_000;
    };
    const configuredLead = await plan();
    const measuredLead = await plan('--history');
    expect(measuredLead - configuredLead).toBeCloseTo(30 - 12, 5);
  });

  it('schedules each planned window once, in the release time zone, and keeps re-syncs idempotent', async () => {
    const calendar = join(f.workDir, 'calendar.yaml');
    const tomorrow = new Date(Date.now() + 2 * 86_400_000);
    const day = tomorrow.toISOString().slice(0, 10);
    const document = (releases: string) => `version: 1
endpoints:
  sync-target: { floor: 2, max: 6, perInstanceCapacity: 50, provisioningMinutes: 10 }
releases:
${releases}`;
    const onePiece = `  - { id: op, series: One Piece, localTime: ${day}T00:00, timezone: Asia/Tokyo, endpoints: [sync-target], peak: 200, holdMinutes: 60 }\n`;
    const special = `  - { id: special, series: Special, localTime: ${day}T20:00, timezone: America/New_York, endpoints: [sync-target], peak: 100, holdMinutes: 30 }\n`;
    writeFileSync(calendar, document(onePiece + special));

    const first = await sync(calendar);
    expect(first.created).toHaveLength(2);
    const second = await sync(calendar);
    expect(second).toMatchObject({ created: [], updated: [], deleted: [] });
    expect(second.unchanged.sort()).toEqual(first.created.sort());

    const listed = await scheduler.send(
      new ListSchedulesCommand({ GroupName: f.stack.controlPlane.scheduleGroup }),
    );
    const tokyo = await Promise.all(
      (listed.Schedules ?? []).map((s) =>
        scheduler.send(
          new GetScheduleCommand({ Name: s.Name, GroupName: f.stack.controlPlane.scheduleGroup }),
        ),
      ),
    );
    const op = tokyo.find((s) => s.ScheduleExpressionTimezone === 'Asia/Tokyo');
    // 200 rps / 50 per instance × 1.2 headroom = 4.8 → 5 instances, raised 10 + 10 minutes early.
    expect(op?.ScheduleExpression).toBe(
      `at(${new Date(Date.parse(`${day}T00:00:00+09:00`) - 20 * 60_000).toLocaleString('sv-SE', { timeZone: 'Asia/Tokyo' }).replace(' ', 'T')})`,
    );
    // The universal StartExecution target, so the execution is named after its window.
    expect(op?.Target?.Arn).toBe('arn:aws:scheduler:::aws-sdk:sfn:startExecution');
    const request = JSON.parse(op?.Target?.Input ?? '{}') as {
      StateMachineArn: string;
      Name: string;
      Input: string;
    };
    expect(request.StateMachineArn).toBe(f.stack.controlPlane.stateMachineArns.prewarm);
    expect(request.Name).toBe(op?.Name);
    const window = JSON.parse(request.Input) as { smokeShapes: unknown[] };
    expect(window).toMatchObject({ endpoint: 'sync-target', minCapacity: 5, baseFloor: 2 });
    expect(window.smokeShapes).toHaveLength(f.smokeShapes.length);

    writeFileSync(calendar, document(onePiece));
    const third = await sync(calendar);
    expect(third.deleted).toHaveLength(1);
    expect(third.unchanged).toHaveLength(1);
  });

  it('refuses a calendar with a missing time zone and changes no schedule', async () => {
    const calendar = join(f.workDir, 'bad.yaml');
    writeFileSync(
      calendar,
      'version: 1\nendpoints:\n  sync-target: { floor: 1, max: 6, perInstanceCapacity: 50 }\nreleases:\n  - { id: x, series: X, localTime: 2030-01-01T00:00, endpoints: [sync-target], peak: 10, holdMinutes: 5 }\n',
    );
    const before = await scheduler.send(
      new ListSchedulesCommand({ GroupName: f.stack.controlPlane.scheduleGroup }),
    );
    const out = await runCalendarSync({ calendarUrl: `file://${calendar}` });
    expect(out.status).toBe('FAILED');
    expect(out.error).toBe('ValidationError');
    // The first step's error, as the execution's cause: each bad field with its line.
    expect(out.cause).toMatch(/releases\.0\.timezone.*\(line 5\)/);
    expect(out.cause).toMatch(/endpoints\.sync-target\.floor.*\(line 3\)/);
    const after = await scheduler.send(
      new ListSchedulesCommand({ GroupName: f.stack.controlPlane.scheduleGroup }),
    );
    expect(after.Schedules?.map((s) => s.Name)).toEqual(before.Schedules?.map((s) => s.Name));
  });

  it('refuses a malformed execution input naming the field, before reading any calendar', async () => {
    const out = await runCalendarSync({ calendarUrl: 7, warmupUrl: 'http://example.com/warmup.json' });
    expect(out.status).toBe('FAILED');
    expect(out.error).toBe('ValidationError');
    expect(out.cause).toMatch(/calendarUrl/);
    expect(out.cause).toMatch(/warmupUrl.*s3:\/\/BUCKET\/KEY or file:\/\/\/PATH/);
  });

  it('starts the pre-warm state machine when a schedule comes due', async () => {
    const prewarmArn = f.stack.controlPlane.stateMachineArns.prewarm;
    const before = await f.sfn.send(new ListExecutionsCommand({ stateMachineArn: prewarmArn }));
    const due = new Date(Date.now() + 2_000);
    await scheduler.send(
      new CreateScheduleCommand({
        Name: 'due-soon',
        GroupName: 'warmgate',
        ScheduleExpression: `at(${due.toISOString().slice(0, 19)})`,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: prewarmArn,
          RoleArn: 'arn:aws:iam::123456789012:role/warmgate-scheduler',
          Input: JSON.stringify({
            endpoint: 'not-deployed',
            windowId: 'w',
            releaseAt: minutesFromNow(1),
            restoreAt: minutesFromNow(2),
            minCapacity: 2,
          }),
        },
      }),
    );
    let executions = before.executions ?? [];
    for (let i = 0; i < 40 && executions.length === (before.executions ?? []).length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      executions =
        (await f.sfn.send(new ListExecutionsCommand({ stateMachineArn: prewarmArn }))).executions ?? [];
    }
    expect(executions.length).toBe((before.executions ?? []).length + 1);
    expect((executions[0]?.startDate?.getTime() ?? 0) >= due.getTime() - 1000).toBe(true);
  });

  it('starts a window once when two deliveries of its named StartExecution arrive', async () => {
    const prewarmArn = f.stack.controlPlane.stateMachineArns.prewarm;
    const window = JSON.stringify({
      endpoint: 'not-deployed',
      windowId: 'twice-delivered',
      releaseAt: minutesFromNow(1),
      restoreAt: minutesFromNow(2),
      minCapacity: 2,
    });
    const due = new Date(Date.now() + 1_500).toISOString().slice(0, 19);
    // Two schedules standing in for Scheduler's at-least-once delivery of one window.
    for (const name of ['twice-a', 'twice-b']) {
      await scheduler.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: 'warmgate',
          ScheduleExpression: `at(${due})`,
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: 'arn:aws:scheduler:::aws-sdk:sfn:startExecution',
            RoleArn: 'arn:aws:iam::123456789012:role/warmgate-scheduler',
            Input: JSON.stringify({ StateMachineArn: prewarmArn, Name: 'wg-twice-delivered', Input: window }),
          },
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const executions =
      (await f.sfn.send(new ListExecutionsCommand({ stateMachineArn: prewarmArn }))).executions ?? [];
    expect(executions.filter((e) => e.name === 'wg-twice-delivered')).toHaveLength(1);
  });

  it('gives back the raised floor of a pre-warm stopped outside the dashboard once its window has lapsed', async () => {
    // Last in this file: its calendar sync deletes the schedules earlier tests made.
    const deployed = await executionResult(
      f,
      await startRollout(f, rolloutRequest('drop-lapsed', f.modelV1)),
    );
    expect(deployed.status).toBe('SUCCEEDED');
    // A window that ends 15 s from now: room to raise, stop and sync once before it lapses, even
    // on a loaded machine.
    const restoreAt = new Date(Date.now() + 15_000);
    const arn = await startPrewarm(f, {
      endpoint: 'drop-lapsed',
      windowId: 'lapsed-window',
      releaseAt: new Date(restoreAt.getTime() - 1_000).toISOString(),
      restoreAt: restoreAt.toISOString(),
      minCapacity: 3,
    });
    for (;;) {
      const history = await f.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }));
      if (history.events?.some((e) => e.stateExitedEventDetails?.name === 'RaiseFloor')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Stopped from the AWS CLI, as an operator outside the dashboard would: no Catch runs, so the
    // execution's own restore never does.
    await promisify(execFile)(
      'aws',
      [
        '--endpoint-url',
        f.stack.region.url,
        '--region',
        'us-east-1',
        'stepfunctions',
        'stop-execution',
        '--execution-arn',
        arn,
      ],
      { env: f.env },
    );
    expect((await executionResult(f, arn)).status).toBe('ABORTED');
    expect(await floorOf(f, 'drop-lapsed')).toBe(3);

    // Before the window's end, calendar sync leaves it alone.
    const calendar = join(f.workDir, 'no-releases.yaml');
    writeFileSync(
      calendar,
      'version: 1\nendpoints:\n  sync-target: { floor: 2, max: 6, perInstanceCapacity: 50 }\nreleases: []\n',
    );
    const early = await runCalendarSync({ calendarUrl: `file://${calendar}` });
    expect(early.status, early.cause).toBe('SUCCEEDED');
    type Lapsed = { ending: string[]; inProgress: string[]; stillRunning: string[] };
    const lapsedOf = (report: string | undefined) =>
      (JSON.parse(report ?? '{}') as { lapsedWindows: Lapsed }).lapsedWindows;
    // Named in any list of the report: this window, its ending, or its own execution.
    const mentions = (report: string | undefined) =>
      Object.values(lapsedOf(report))
        .flat()
        .some((entry) => entry.startsWith('end-lapsed-window-') || entry === arn);
    expect(mentions(early.output)).toBe(false);
    expect(await floorOf(f, 'drop-lapsed')).toBe(3);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, restoreAt.getTime() - Date.now() + 500)));
    // A calendar that cannot be read (here: no time zone) fails the sync, but not before the
    // lapsed window is ended: a bad upload must not keep a dead pre-warm's floor raised.
    const broken = join(f.workDir, 'no-timezone.yaml');
    writeFileSync(
      broken,
      'version: 1\nendpoints:\n  sync-target: { floor: 2, max: 6, perInstanceCapacity: 50 }\nreleases:\n  - { id: x, series: X, localTime: 2030-01-01T00:00, endpoints: [sync-target], peak: 10, holdMinutes: 5 }\n',
    );
    const late = await runCalendarSync({ calendarUrl: `file://${broken}` });
    expect({ status: late.status, error: late.error }).toEqual({
      status: 'FAILED',
      error: 'ValidationError',
    });
    expect(late.cause).toMatch(/timezone/);
    const prewarmArn = f.stack.controlPlane.stateMachineArns.prewarm;
    const ending = (
      await f.sfn.send(new ListExecutionsCommand({ stateMachineArn: prewarmArn }))
    ).executions?.find((e) => e.name?.startsWith('end-lapsed-window-'));
    expect(ending).toBeDefined();
    const ended = await executionResult(f, ending?.executionArn ?? '');
    expect(ended.status, ended.cause).toBe('SUCCEEDED');
    expect(JSON.parse(ended.input ?? '{}')).toMatchObject({
      end: true,
      endsExecution: arn,
      windowId: 'lapsed-window',
    });
    expect(await floorOf(f, 'drop-lapsed')).toBe(2);

    // The hold is gone, so a further sync has nothing more to do for this window.
    const held = await f.dynamodb.send(
      new QueryCommand({
        TableName: CONTROL_PLANE_TABLES.holds.name,
        KeyConditionExpression: 'endpointName = :e',
        ExpressionAttributeValues: { ':e': { S: 'drop-lapsed' } },
        ConsistentRead: true,
      }),
    );
    expect(held.Items?.map((item) => item.holdId?.S)).not.toContain('lapsed-window');
    const again = await runCalendarSync({ calendarUrl: `file://${calendar}` });
    expect(again.status, again.cause).toBe('SUCCEEDED');
    expect(mentions(again.output)).toBe(false);
  });
});

/** 00:00 UTC of the latest Wednesday at or before `ms`. */
function lastWednesdayMidnightUtc(ms: number): number {
  const day = new Date(ms);
  const daysSinceWednesday = (day.getUTCDay() - 3 + 7) % 7;
  return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() - daysSinceWednesday);
}
