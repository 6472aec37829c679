import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { writeExampleModel } from '../../../container/example-model/build.js';
import { REPO_ROOT } from '../../../container/launch.js';
import {
  type LocalClients,
  localClientConfig,
  localClients,
} from '../../../local/control-plane/local-clients.js';
import { type LocalStack, startLocalStack } from '../../../local/local-stack.js';

const execFileAsync = promisify(execFile);

/** The image name the local region runs as this repository's container. */
export const IMAGE = 'warmgate-container:latest';

/** A local stack (region + control plane) for one test file, with SDK clients and model dirs. */
export interface StackFixture extends LocalClients {
  readonly stack: LocalStack;
  readonly sfn: SFNClient;
  readonly workDir: string;
  /** The example model, and a second version of it (a different artefact, so a real update). */
  readonly modelV1: string;
  readonly modelV2: string;
  /** A model whose ONNX file is corrupt: its containers fail to load and never pass /ping. */
  readonly brokenModel: string;
  readonly smokeShapes: Array<{ name: string; body: unknown }>;
  /** Environment for a CLI child process aimed at this stack. */
  readonly env: NodeJS.ProcessEnv;
  /** Every request line the region logged (`STATUS Service.Operation …`), oldest first. */
  readonly requestLog: string[];
  close(): Promise<void>;
}

export async function startStackFixture(): Promise<StackFixture> {
  const workDir = mkdtempSync(join(tmpdir(), 'warmgate-stack-'));
  const modelV1 = join(workDir, 'model-v1');
  await writeExampleModel(modelV1);
  const modelV2 = join(workDir, 'model-v2');
  cpSync(modelV1, modelV2, { recursive: true });
  const brokenModel = join(workDir, 'model-broken');
  cpSync(modelV1, brokenModel, { recursive: true });
  writeFileSync(join(brokenModel, 'model.onnx'), 'this is not an ONNX graph');
  const manifest = JSON.parse(readFileSync(join(modelV1, 'warmup.json'), 'utf8')) as {
    shapes: Array<{ name: string; body: unknown }>;
  };

  // Fast probing and a tenth of SageMaker's waits keep each rollout to seconds on 2 cores.
  const requestLog: string[] = [];
  const stack = await startLocalStack({
    provisioningDelayMs: 50,
    pingIntervalMs: 250,
    drainMs: 3000,
    timeScale: 0.1,
    log: (line) => requestLog.push(line),
  });
  const clients = localClients(stack.region.url);
  const sfn = new SFNClient(localClientConfig(stack.region.url));
  return {
    ...clients,
    stack,
    sfn,
    workDir,
    modelV1,
    modelV2,
    brokenModel,
    smokeShapes: manifest.shapes.map((s) => ({ name: s.name, body: s.body })),
    requestLog,
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: stack.region.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
    },
    async close() {
      sfn.destroy();
      for (const client of Object.values(clients)) client.destroy();
      await stack.close();
      rmSync(workDir, { recursive: true, force: true });
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
