import { execFile } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { REPO_ROOT } from '../../../container/launch.js';
import { IMAGE, type ModelStack, startModelStack } from './model-stack.js';

export { IMAGE };

const execFileAsync = promisify(execFile);

/** The model stack for one test file, with a broken model, the region's request log and CLI env. */
export interface StackFixture extends ModelStack {
  /** A model whose ONNX file is corrupt: its containers fail to load and never pass /ping. */
  readonly brokenModel: string;
  readonly smokeShapes: Array<{ name: string; body: unknown }>;
  /** Environment for a CLI child process aimed at this stack. */
  readonly env: NodeJS.ProcessEnv;
  /** Every request line the region logged (`STATUS Service.Operation …`), oldest first. */
  readonly requestLog: string[];
}

export async function startStackFixture(): Promise<StackFixture> {
  // Fast probing and a tenth of SageMaker's waits keep each rollout to seconds on 2 cores.
  const requestLog: string[] = [];
  const base = await startModelStack({
    provisioningDelayMs: 50,
    pingIntervalMs: 250,
    drainMs: 3000,
    timeScale: 0.1,
    log: (line) => requestLog.push(line),
  });
  const brokenModel = join(base.workDir, 'model-broken');
  try {
    cpSync(base.modelV1, brokenModel, { recursive: true });
    writeFileSync(join(brokenModel, 'model.onnx'), 'this is not an ONNX graph');
  } catch (error) {
    await base.close();
    throw error;
  }
  return {
    ...base,
    brokenModel,
    smokeShapes: base.shapes.map((s) => ({ name: s.name, body: s.body })),
    requestLog,
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: base.stack.region.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
    },
  };
}

/** A rollout request for the local region, all-at-once with no bake time. */
export function rolloutRequest(endpoint: string, modelDir: string, extra: Record<string, unknown> = {}) {
  return {
    endpoint,
    image: IMAGE,
    modelDataUrl: `file://${modelDir}`,
    strategy: { type: 'all-at-once', waitIntervalSeconds: 0 },
    ...extra,
  };
}

/** Starts a rollout execution through the Step Functions API. */
export async function startRollout(
  fixture: StackFixture,
  request: Record<string, unknown>,
  name?: string,
): Promise<string> {
  const out = await fixture.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: fixture.stack.controlPlane.stateMachineArns.rollout,
      ...(name ? { name } : {}),
      input: JSON.stringify({ request, smokeShapes: fixture.smokeShapes }),
    }),
  );
  return out.executionArn ?? '';
}

/** Starts a pre-warm execution through the Step Functions API. */
export async function startPrewarm(fixture: StackFixture, input: Record<string, unknown>): Promise<string> {
  const out = await fixture.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: fixture.stack.controlPlane.stateMachineArns.prewarm,
      input: JSON.stringify({ smokeShapes: fixture.smokeShapes, ...input }),
    }),
  );
  return out.executionArn ?? '';
}

/** Polls DescribeExecution until the execution stops. */
export async function executionResult(
  fixture: StackFixture,
  executionArn: string,
): Promise<DescribeExecutionCommandOutput> {
  for (;;) {
    const out = await fixture.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (out.status !== 'RUNNING') return out;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs the real `warmgate` CLI as a child process against the fixture's stack. */
export async function runCli(
  fixture: StackFixture,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      [join(REPO_ROOT, 'bin/warmgate.js'), ...args],
      {
        env: fixture.env,
        timeout: 120_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The variant's autoscaling floor (MinCapacity), or undefined when no target is registered. */
export async function floorOf(fixture: StackFixture, endpoint: string): Promise<number | undefined> {
  const out = await fixture.scaling.send(
    new DescribeScalableTargetsCommand({
      ServiceNamespace: 'sagemaker',
      ResourceIds: [`endpoint/${endpoint}/variant/AllTraffic`],
    }),
  );
  return out.ScalableTargets?.[0]?.MinCapacity;
}
