import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../../local/control-plane/local-clients.js';
import { type LocalStack, startLocalStack } from '../../../local/local-stack.js';

// The stack's hourly rule has a local twin: with a calendar configured, the region starts the
// calendar-sync machine on its own, which is also what ends windows whose pre-warm died.
describe('local calendar sync on a timer', () => {
  let dir: string;
  let stack: LocalStack;
  let sfn: SFNClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warmgate-sync-timer-'));
    const calendar = join(dir, 'calendar.yaml');
    writeFileSync(
      calendar,
      'version: 1\nendpoints:\n  manga-recs: { floor: 2, max: 6, perInstanceCapacity: 50 }\nreleases: []\n',
    );
    stack = await startLocalStack({ calendarUrl: pathToFileURL(calendar).href, calendarSyncEveryMs: 300 });
    sfn = new SFNClient(localClientConfig(stack.region.url));
  });

  afterAll(async () => {
    sfn?.destroy();
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs calendar sync again and again while a calendar is configured, each run to success', async () => {
    const stateMachineArn = stack.controlPlane.stateMachineArns.calendarSync;
    let executions: Array<{ executionArn?: string | undefined }> = [];
    while (executions.length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];
    }
    for (const { executionArn } of executions) {
      let described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      while (described.status === 'RUNNING') {
        await new Promise((resolve) => setTimeout(resolve, 50));
        described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      }
      expect(described.status, described.cause).toBe('SUCCEEDED');
      expect(JSON.parse(described.output ?? '{}')).toMatchObject({
        planned: 0,
        lapsedWindows: { ending: [], inProgress: [], stillRunning: [] },
      });
    }
  });

  it('ends lapsed windows alone on the same timer when the region has no calendar', async () => {
    const bare = await startLocalStack({ calendarSyncEveryMs: 300 });
    const client = new SFNClient(localClientConfig(bare.region.url));
    try {
      const stateMachineArn = bare.controlPlane.stateMachineArns.calendarSync;
      let executionArn: string | undefined;
      while (!executionArn) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        executionArn = (await client.send(new ListExecutionsCommand({ stateMachineArn }))).executions?.[0]
          ?.executionArn;
      }
      let described = await client.send(new DescribeExecutionCommand({ executionArn }));
      while (described.status === 'RUNNING') {
        await new Promise((resolve) => setTimeout(resolve, 50));
        described = await client.send(new DescribeExecutionCommand({ executionArn }));
      }
      expect(described.status, described.cause).toBe('SUCCEEDED');
      expect(JSON.parse(described.input ?? '{}')).toEqual({ lapsedWindowsOnly: true });
      expect(JSON.parse(described.output ?? '{}')).toEqual({
        lapsedWindowsOnly: true,
        lapsedWindows: { ending: [], inProgress: [], stillRunning: [] },
      });
    } finally {
      client.destroy();
      await bare.close();
    }
  });
});
