import { join } from 'node:path';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { type InstalledDashboard, installDashboard } from '../../../local/dashboard/install-dashboard.js';
import { type StackFixture, startStackFixture } from '../support/stack-fixture.js';

export { eventually } from '../local/region-fixture.js';
export {
  executionResult,
  IMAGE as LOCAL_IMAGE,
  rolloutRequest,
  runCli,
  startRollout,
} from '../support/stack-fixture.js';

/** The example calendar: a weekly One Piece release, so one is always within a week. */
export const EXAMPLE_CALENDAR = join(import.meta.dirname, '..', '..', '..', 'examples', 'calendar.yaml');

/** The shared stack fixture with the dashboard installed on the region's port. */
export interface DashboardStack extends StackFixture {
  readonly dashboard: InstalledDashboard;
  /** Calls the dashboard with its token (or `token`, or none for `null`); answers status and JSON. */
  call<T = unknown>(
    path: string,
    init?: { method?: string; body?: unknown; token?: string | null },
  ): Promise<{ status: number; body: T; headers: Headers }>;
  /** How many executions the rollout and prewarm machines have had. */
  executionCount(): Promise<number>;
}

/** One stack per test file, with the example calendar and fast capacity sampling. */
export async function startDashboardStack(): Promise<DashboardStack> {
  const fixture = await startStackFixture();
  const dashboard = await installDashboard(fixture.stack, {
    calendarPath: EXAMPLE_CALENDAR,
    sampleIntervalMs: 500,
  });
  const { url } = fixture.stack.region;
  return {
    ...fixture,
    dashboard,
    async call(path, init = {}) {
      const token = init.token === undefined ? dashboard.token : init.token;
      const response = await fetch(`${url}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
          ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // The page and its assets are not JSON.
      }
      return { status: response.status, body: body as never, headers: response.headers };
    },
    async executionCount() {
      let total = 0;
      for (const stateMachineArn of Object.values(fixture.stack.controlPlane.stateMachineArns)) {
        const page = await fixture.sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000 }));
        total += page.executions?.length ?? 0;
      }
      return total;
    },
  };
}
