/**
 * A local stack (region + control plane) serving the example model in two versions, with SDK
 * clients: what the integration tests' stack fixture and the rollout benchmarks both start.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { writeExampleModel } from '../../../container/example-model/build.js';
import {
  type LocalClients,
  localClientConfig,
  localClients,
} from '../../../local/control-plane/local-clients.js';
import { type LocalStack, startLocalStack } from '../../../local/local-stack.js';

/** The image name the local region runs as this repository's container. */
export const IMAGE = 'warmgate-container:latest';

export type StackOptions = NonNullable<Parameters<typeof startLocalStack>[0]>;

export interface WarmupShape {
  readonly name: string;
  readonly body: unknown;
}

export interface ModelStack extends LocalClients {
  readonly stack: LocalStack;
  readonly sfn: SFNClient;
  /** A temporary folder, removed by `close`, holding the model directories. */
  readonly workDir: string;
  /**
   * The example model, and a copy of it in another directory: a different model data URL, so a
   * different content-hashed model and config, so a real blue/green update.
   */
  readonly modelV1: string;
  readonly modelV2: string;
  /** The example model's warmup shapes, for smoke tests. */
  readonly shapes: readonly WarmupShape[];
  close(): Promise<void>;
}

export async function startModelStack(options: StackOptions = {}): Promise<ModelStack> {
  const workDir = mkdtempSync(join(tmpdir(), 'warmgate-stack-'));
  const modelV1 = join(workDir, 'model-v1');
  await writeExampleModel(modelV1);
  const modelV2 = join(workDir, 'model-v2');
  cpSync(modelV1, modelV2, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(modelV1, 'warmup.json'), 'utf8')) as {
    shapes: WarmupShape[];
  };
  const stack = await startLocalStack(options);
  const clients = localClients(stack.region.url);
  const sfn = new SFNClient(localClientConfig(stack.region.url));
  return {
    ...clients,
    stack,
    sfn,
    workDir,
    modelV1,
    modelV2,
    shapes: manifest.shapes.map((s) => ({ name: s.name, body: s.body })),
    async close() {
      sfn.destroy();
      for (const client of Object.values(clients)) client.destroy();
      await stack.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
