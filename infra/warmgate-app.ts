import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStackConfig } from './stack-config.js';
import { WarmgateStack } from './warmgate-stack.js';

export interface WarmgateAppOptions {
  /** Where the cloud assembly goes; default `cdk.out` (or CDK_OUTDIR when the CDK CLI runs the app). */
  readonly outdir?: string;
  /** Extra context, as `-c key=value` would give (see stack-config.ts for the keys). */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Write esbuild metafiles beside the Lambda bundles (the bundle benchmark). */
  readonly bundleMetafile?: boolean;
}

/**
 * The warmgate CDK app: one `Warmgate` stack, checked by cdk-nag's AwsSolutions pack.
 *
 * The checks run as a CDK validation plugin (cdk-nag 3), so `app.synth()` throws on any finding
 * that has no acknowledgement, and every acknowledgement in this app carries its written reason.
 * The stack is environment-agnostic unless CDK_DEFAULT_ACCOUNT/REGION are set (the CDK CLI sets
 * them from the credentials it deploys with).
 */
export function buildWarmgateApp(options: WarmgateAppOptions = {}): { app: App; stack: WarmgateStack } {
  const app = new App({
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    context: { ...options.context },
  });
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  const stack = new WarmgateStack(app, 'Warmgate', {
    description: 'warmgate: warmup-gated rollouts and pre-warms for SageMaker real-time endpoints',
    config: readStackConfig(app.node),
    ...(options.bundleMetafile === undefined ? {} : { bundleMetafile: options.bundleMetafile }),
    ...(account && region ? { env: { account, region } } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
