import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCalendar } from '../../../core/calendar/parse-calendar.js';
import { planCalendar } from '../../../core/calendar-plan.js';
import { NotFoundError } from '../../../core/errors.js';
import { planJson } from '../../../core/plan-releases.js';
import type { ReleasePlan } from '../../../core/release-plan.js';
import { calendarSource } from '../../../functions/adapters/calendar-sources.js';
import { CloudWatchMetricsSink } from '../../../functions/adapters/cloudwatch-metrics-sink.js';
import { S3Objects, s3Location } from '../../../functions/adapters/s3-objects.js';
import { S3ReleasePlan } from '../../../functions/adapters/s3-release-plan.js';
import { SchedulerPrewarmSchedules } from '../../../functions/adapters/scheduler-prewarm-schedules.js';
import { StepFunctionsPrewarmStarter } from '../../../functions/adapters/step-functions-prewarm-starter.js';
import type { ReleasesResponse } from '../../../functions/dashboard-api/api-contract.js';
import { createDashboardApi, type DashboardApi } from '../../../functions/dashboard-api/dashboard-api.js';
import { calendarFile } from '../../../functions/dashboard-api/release-readiness.js';
import { localClientConfig } from '../../../local/control-plane/local-clients.js';
import { localDashboardDeps } from '../../../local/dashboard/install-dashboard.js';
import { type MotoS3, startMotoS3 } from '../support/moto-s3.js';
import { type StackFixture, startStackFixture } from '../support/stack-fixture.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples');
const CALENDAR_URL = 's3://warmgate-calendar/calendar.yaml';
const PLAN_URL = 's3://warmgate-calendar/warmgate/release-plan.json';
const context = {
  functionName: 'warmgate-read-calendar',
  awsRequestId: 'test',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

/**
 * The deployed form of the scheduled trigger, with moto's S3 (the local region has none):
 * read-calendar reads the calendar from S3 and sync-schedules, given its output as the
 * calendar-sync state machine passes it (as JSON), makes the schedules and publishes the plan
 * beside the calendar; the dashboard shows that plan without parsing the calendar.
 */
describe('published release plan', () => {
  let f: StackFixture;
  let s3: MotoS3;
  let objects: S3Objects;
  let scheduler: SchedulerClient;
  let closeDashboard: () => Promise<void>;
  let sync: (nowMs: number) => Promise<{ created: string[]; startedNow: string[] }>;
  let deployedDashboard: DashboardApi;
  let localDashboard: DashboardApi;
  /** When the published plan was synced; both dashboards plan from it. */
  let syncedAtMs: number | undefined;

  const releasesOf = async (api: DashboardApi, hours: number) => {
    const response = await api({
      method: 'GET',
      path: '/api/releases',
      query: new URLSearchParams({ hours: String(hours) }),
      headers: {},
      body: '',
    });
    return { status: response.status, body: JSON.parse(String(response.body)) as ReleasesResponse };
  };
  const publishedPlan = async () => {
    const text = await objects.getText(s3Location(PLAN_URL, 'plan')).catch((error: unknown) => {
      if (error instanceof NotFoundError) return 'null';
      throw error;
    });
    return JSON.parse(text) as ReleasePlan | null;
  };
  const upload = (text: string) =>
    objects.putText(s3Location(CALENDAR_URL, 'calendar'), text, 'application/yaml');

  beforeAll(async () => {
    f = await startStackFixture();
    s3 = await startMotoS3({ buckets: ['warmgate-calendar'] });
    objects = new S3Objects({ region: s3.region, credentials: async () => s3.credentials, endpoint: s3.url });
    scheduler = new SchedulerClient(localClientConfig(f.stack.region.url));
    const { controlPlane } = f.stack;
    const planStore = new S3ReleasePlan(objects, PLAN_URL);
    // Imported once the control plane has set the Lambda environment their module init reads.
    const readCalendar = await import('../../../functions/read-calendar/handler.js');
    const syncSchedules = await import('../../../functions/sync-schedules/handler.js');
    sync = async (nowMs) => {
      const normalized = await readCalendar.makeHandler({
        source: () => calendarSource('aws', () => objects, CALENDAR_URL, undefined),
        horizonDays: 14,
        now: () => nowMs,
      })({}, context);
      return (await syncSchedules.makeHandler({
        schedules: new SchedulerPrewarmSchedules(scheduler, {
          groupName: controlPlane.scheduleGroup,
          stateMachineArn: controlPlane.stateMachineArns.prewarm,
          roleArn: process.env.SCHEDULER_ROLE_ARN ?? '',
        }),
        starter: new StepFunctionsPrewarmStarter(f.sfn, controlPlane.stateMachineArns.prewarm),
        metrics: new CloudWatchMetricsSink(f.cloudwatch),
        plan: planStore,
        now: () => nowMs,
      })(JSON.parse(JSON.stringify(normalized)), {
        ...context,
        functionName: 'warmgate-sync-schedules',
      })) as {
        created: string[];
        startedNow: string[];
      };
    };

    const local = localDashboardDeps(f.stack.region);
    closeDashboard = () => local.close();
    // Both dashboards read the clock of the sync that published the plan: a window already due
    // (during a drop's lead or hold) is raised "now", so planning it a second later moves raiseAt.
    const now = () => syncedAtMs ?? Date.now();
    deployedDashboard = createDashboardApi({
      ...local.deps,
      now,
      calendar: planStore,
      authorize: () => true,
    });
    localDashboard = createDashboardApi({
      ...local.deps,
      now,
      calendar: calendarFile(join(EXAMPLES, 'calendar.yaml')),
      authorize: () => true,
    });
  });

  afterAll(async () => {
    scheduler?.destroy();
    await closeDashboard?.();
    await s3?.close();
    await f?.close();
  });

  it('shows no releases while nothing has been published', async () => {
    const { status, body } = await releasesOf(deployedDashboard, 48);
    expect(status).toBe(200);
    expect(body).toMatchObject({ calendar: null, plannedAt: null, releases: [] });
  });

  it('publishes the plan it scheduled, with the windows `warmgate calendar plan` prints', async () => {
    const text = readFileSync(join(EXAMPLES, 'calendar.yaml'), 'utf8');
    await upload(text);
    const nowMs = Date.now();
    syncedAtMs = nowMs;
    const report = await sync(nowMs);
    const plan = await publishedPlan();
    expect(plan).toMatchObject({
      version: 1,
      calendar: CALENDAR_URL,
      plannedAt: new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    });
    const expected = planJson(
      planCalendar(parseCalendar(text, 'yaml'), { nowMs, untilMs: nowMs + 14 * 86_400_000 }),
    ).actions;
    expect(expected.length).toBeGreaterThan(1);
    expect(
      plan?.windows.map(({ endpoint, releases, releaseAt, raiseAt, restoreAt, minCapacity }) => ({
        endpoint,
        releases,
        releaseAt,
        raiseAt,
        restoreAt,
        minCapacity,
      })),
    ).toEqual(expected);
    expect(plan?.windows.flatMap((w) => w.titles)).toContainEqual(expect.stringMatching(/^One Piece \d+$/));
    // One schedule (or one pre-warm started now) per published window.
    expect(report.created.length + report.startedNow.length).toBe(expected.length);
    const listed = await scheduler.send(
      new ListSchedulesCommand({ GroupName: f.stack.controlPlane.scheduleGroup }),
    );
    expect(listed.Schedules?.filter((s) => s.Name?.startsWith('wg-')).length).toBe(report.created.length);
  });

  it('shows on the deployed dashboard the releases the local one plans from the same file', async () => {
    const deployed = await releasesOf(deployedDashboard, 192);
    const local = await releasesOf(localDashboard, 192);
    expect(deployed.status).toBe(200);
    expect(deployed.body.calendar).toBe(CALENDAR_URL);
    expect(deployed.body.plannedUntil).toBe((await publishedPlan())?.plannedUntil);
    expect(deployed.body.releases.length).toBeGreaterThan(0);
    // manga-recs is not deployed in this region: every window says so, from either source.
    expect(deployed.body.releases.map((r) => r.readiness.kind)).toEqual(
      deployed.body.releases.map(() => 'no-endpoint'),
    );
    expect(deployed.body.releases).toEqual(local.body.releases);
  });

  it('keeps the last good plan when the calendar is broken, and names the line', async () => {
    const before = await publishedPlan();
    await upload('version: 1\nreleases:\n  - id: one-piece\n    timezone: Asia/Tokio\n');
    await expect(sync(Date.now())).rejects.toThrow(
      /releases\.0\.timezone: unknown IANA timezone "Asia\/Tokio".*\(line 4\)/,
    );
    expect(await publishedPlan()).toEqual(before);
  });

  it('answers 502 naming the plan when the published object is not a release plan', async () => {
    await objects.putText(
      s3Location(PLAN_URL, 'plan'),
      '{"version":1,"calendar":"x","plannedAt":"yesterday","plannedUntil":"2030-01-01T00:00:00Z","windows":[]}',
      'application/json',
    );
    const { status, body } = await releasesOf(deployedDashboard, 48);
    expect(status).toBe(502);
    expect(JSON.stringify(body)).toContain(
      `the release plan at ${PLAN_URL} is not readable: releasePlan.plannedAt`,
    );
  });
});
