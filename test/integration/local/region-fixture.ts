import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  type DescribeEndpointCommandOutput,
  type ProductionVariant,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { writeExampleModel } from '../../../container/example-model/build.js';
import { type LocalRegion, type RegionOptions, startRegion } from '../../../local/region.js';

/** The image name the local region runs as this repository's container. */
export const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/warmgate-container:test';

/** A region for one test file, real SDK clients aimed at it, and an example model on disk. */
export interface RegionFixture {
  readonly region: LocalRegion;
  readonly modelDir: string;
  /** A copy of the example model whose model.onnx is garbage: its container exits at load. */
  readonly brokenModelDir: string;
  readonly sagemaker: SageMakerClient;
  readonly runtime: SageMakerRuntimeClient;
  readonly scaling: ApplicationAutoScalingClient;
  readonly cloudwatch: CloudWatchClient;
  readonly dynamodb: DynamoDBClient;
  /** Environment for the AWS CLI: endpoint URL and dummy credentials. */
  readonly cliEnv: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** Starts a region on an OS-chosen port; options default to fast probing for tests. */
export async function startFixture(options: RegionOptions = {}): Promise<RegionFixture> {
  const workDir = mkdtempSync(join(tmpdir(), 'warmgate-test-'));
  const modelDir = join(workDir, 'model');
  await writeExampleModel(modelDir);
  const brokenModelDir = join(workDir, 'broken-model');
  cpSync(modelDir, brokenModelDir, { recursive: true });
  writeFileSync(join(brokenModelDir, 'model.onnx'), 'not an onnx graph');
  const region = await startRegion({
    provisioningDelayMs: 50,
    pingIntervalMs: 250,
    drainMs: 3000,
    ...options,
  });
  const config = {
    endpoint: region.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
  const clients = {
    sagemaker: new SageMakerClient(config),
    runtime: new SageMakerRuntimeClient(config),
    scaling: new ApplicationAutoScalingClient(config),
    cloudwatch: new CloudWatchClient(config),
    dynamodb: new DynamoDBClient(config),
  };
  return {
    region,
    modelDir,
    brokenModelDir,
    ...clients,
    cliEnv: {
      ...process.env,
      AWS_ENDPOINT_URL: region.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_MAX_ATTEMPTS: '1',
      AWS_PAGER: '',
    },
    async close() {
      for (const client of Object.values(clients)) client.destroy();
      await region.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Creates a model and an endpoint config for it, with sensible test defaults. */
export async function createModelAndConfig(
  fixture: RegionFixture,
  names: { model: string; config: string },
  variant: Partial<ProductionVariant> = {},
  environment?: Record<string, string>,
): Promise<void> {
  await fixture.sagemaker.send(
    new CreateModelCommand({
      ModelName: names.model,
      PrimaryContainer: {
        Image: IMAGE,
        ModelDataUrl: `file://${fixture.modelDir}`,
        ...(environment ? { Environment: environment } : {}),
      },
      ExecutionRoleArn: 'arn:aws:iam::123456789012:role/test',
    }),
  );
  await fixture.sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: names.config,
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: names.model,
          InstanceType: 'ml.m5.large',
          InitialInstanceCount: 1,
          ...variant,
        },
      ],
    }),
  );
}

/** Creates model, config and endpoint, and waits until the endpoint is InService. */
export async function createEndpointInService(
  fixture: RegionFixture,
  name: string,
  variant: Partial<ProductionVariant> = {},
  environment?: Record<string, string>,
): Promise<DescribeEndpointCommandOutput> {
  await createModelAndConfig(
    fixture,
    { model: `${name}-model`, config: `${name}-config` },
    variant,
    environment,
  );
  await fixture.sagemaker.send(
    new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: `${name}-config` }),
  );
  return waitForStatus(fixture, name, (s) => s !== 'Creating');
}

/** Polls DescribeEndpoint until `done(status)` holds; fails after `timeoutMs`. */
export async function waitForStatus(
  fixture: RegionFixture,
  name: string,
  done: (status: string | undefined, described: DescribeEndpointCommandOutput) => boolean,
  timeoutMs = 60_000,
): Promise<DescribeEndpointCommandOutput> {
  return eventually(async () => {
    const described = await fixture.sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
    return done(described.EndpointStatus, described) ? described : undefined;
  }, timeoutMs);
}

/** Retries `probe` every 100 ms until it returns a value; throws after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`, { cause: last });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Runs the AWS CLI with the fixture's environment. Asynchronous on purpose: the region runs in
 * this process, so a synchronous spawn would block the very server the CLI is calling.
 */
export function aws(
  fixture: RegionFixture,
  args: readonly string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('aws', [...args, '--output', 'json'], { env: fixture.cliEnv, timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** True when a process with `pid` exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
