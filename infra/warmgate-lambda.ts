import { join } from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME, lambdaBundling, REPO_ROOT } from './lambda-bundling.js';
import { allow } from './least-privilege.js';

export interface WarmgateLambdaProps {
  /** The folder under `functions/` whose `handler.ts` exports `handler`; the function is `warmgate-<name>`. */
  readonly name: string;
  /** Exactly the variables this handler's `defaultDeps()` reads (plus the Powertools service name). */
  readonly environment: Readonly<Record<string, string>>;
  readonly timeout: Duration;
  readonly logRetention: RetentionDays;
  /** Write esbuild's metafile beside the bundle (benchmark only). */
  readonly bundleMetafile?: boolean;
  /** Shell commands that add files beside the bundle; see `lambdaBundling`. */
  readonly afterBundling?: (repoRoot: string, outputDir: string) => string[];
}

/**
 * One warmgate Lambda: a NodejsFunction bundled by esbuild, with its own role and log group.
 *
 * The role is made here rather than by the CDK, because the CDK's default role carries the
 * AWSLambdaBasicExecutionRole managed policy (CreateLogGroup and PutLogEvents on every log group
 * in the account, and a cdk-nag AwsSolutions-IAM4 finding). This one may write only to its own
 * log group, and every other permission is added by name through `allow()`.
 */
export class WarmgateLambda extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: WarmgateLambdaProps) {
    super(scope, id);
    this.functionName = `warmgate-${props.name}`;
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${this.functionName}: only what functions/${props.name} calls`,
    });
    // Named as Lambda would name it, so operators find it where they look. Destroyed with the
    // stack: a retained group under a fixed name would make a re-created stack fail to deploy.
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${this.functionName}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    allow(this.role, {
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
      why: 'The Lambda runtime writes the Powertools JSON logs and EMF metrics of this function.',
    });

    this.fn = new NodejsFunction(this, 'Function', {
      functionName: this.functionName,
      entry: join(REPO_ROOT, 'functions', props.name, 'handler.ts'),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      // Module init is CPU-bound (parsing the bundle) and Lambda hands out CPU in proportion to
      // memory; 512 MB keeps cold starts short at a cost that is negligible for a few calls a rollout.
      memorySize: 512,
      timeout: props.timeout,
      role: this.role,
      logGroup,
      environment: { POWERTOOLS_SERVICE_NAME: 'warmgate', ...props.environment },
      bundling: lambdaBundling(props.bundleMetafile ?? false, props.afterBundling),
      description: `warmgate step ${props.name} (functions/${props.name}/handler.ts)`,
    });
  }
}
