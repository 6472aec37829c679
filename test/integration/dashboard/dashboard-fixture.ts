import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { smokeShapesFor } from '../../../cli/commands/rollout.js';
import { writeExampleModel } from '../../../container/example-model/build.js';
import { localClientConfig } from '../../../local/control-plane/local-clients.js';
import { type InstalledDashboard, installDashboard } from '../../../local/dashboard/install-dashboard.js';
import { type LocalStack, startLocalStack } from '../../../local/local-stack.js';

export { eventually } from '../local/region-fixture.js';

/** The image form the local region runs as this repository's container. */
export const LOCAL_IMAGE = 'warmgate-container:latest';

/** The example calendar: a weekly One Piece release, so one is always within a week. */
export const EXAMPLE_CALENDAR = join(import.meta.dirname, '..', '..', '..', 'examples', 'calendar.yaml');

/** A local stack with the dashboard installed, an example model on disk and a Step Functions client. */
export interface DashboardStack {
  readonly stack: LocalStack;
  readonly dashboard: InstalledDashboard;
  readonly modelUrl: string;
  readonly sfn: SFNClient;
  /** Calls the dashboard with the token (unless `token: null`) and returns status and JSON. */
  call<T = unknown>(
    path: string,
    init?: { method?: string; body?: unknown; token?: string | null },
  ): Promise<{ status: number; body: T; headers: Headers }>;
  /** Starts a rollout the way the CLI does and waits for its end. */
  rollout(request: Record<string, unknown>): Promise<DescribeExecutionCommandOutput>;
  /** How many executions the rollout and prewarm machines have had. */
  executionCount(): Promise<number>;
  close(): Promise<void>;
}

/** One stack per test file: fast probes, SageMaker's timeouts at a tenth. */
export async function startDashboardStack(): Promise<DashboardStack> {
  const workDir = mkdtempSync(join(tmpdir(), 'warmgate-dashboard-'));
  const modelDir = join(workDir, 'model');
  await writeExampleModel(modelDir);
  const stack = await startLocalStack({
    timeScale: 0.1,
    provisioningDelayMs: 50,
    pingIntervalMs: 250,
    drainMs: 2000,
    pollSeconds: { initial: 1, max: 1 },
  });
  const dashboard = await installDashboard(stack, { calendarPath: EXAMPLE_CALENDAR, sampleIntervalMs: 500 });
  const sfn = new SFNClient(localClientConfig(stack.region.url));
  const modelUrl = pathToFileURL(modelDir).href;
  const arns = stack.controlPlane.stateMachineArns;

  return {
    stack,
    dashboard,
    modelUrl,
    sfn,
    async call(path, init = {}) {
      const token = init.token === undefined ? dashboard.token : init.token;
      const response = await fetch(`${stack.region.url}${path}`, {
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
    async rollout(request) {
      const started = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: arns.rollout,
          input: JSON.stringify({
            request,
            smokeShapes: smokeShapesFor({ modelData: String(request.modelDataUrl) }),
          }),
        }),
      );
      for (;;) {
        const described = await sfn.send(
          new DescribeExecutionCommand({ executionArn: started.executionArn }),
        );
        if (described.status !== 'RUNNING') return described;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    async executionCount() {
      let total = 0;
      for (const stateMachineArn of Object.values(arns)) {
        const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000 }));
        total += page.executions?.length ?? 0;
      }
      return total;
    },
    async close() {
      sfn.destroy();
      await stack.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
