import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  UserPool,
  UserPoolClientIdentityProvider,
} from 'aws-cdk-lib/aws-cognito';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { executionsOf } from './asl-state-machine.js';
import type { EndpointScope } from './endpoint-scope.js';
import { allow } from './least-privilege.js';
import { allowNotFound, type ReleasePlanObject } from './release-calendar.js';
import { WarmgateLambda } from './warmgate-lambda.js';

export interface OperatorDashboardProps {
  readonly scope: EndpointScope;
  /** The machines the dashboard shows and may start or stop ("Roll out", "Pre-warm"). */
  readonly machines: readonly StateMachine[];
  /** The plan calendar-sync publishes: the releases panel and the chart's release markers. */
  readonly releasePlan: ReleasePlanObject;
  readonly logRetention: RetentionDays;
  readonly bundleMetafile?: boolean;
}

/**
 * The operator dashboard on AWS: the dashboard-api Lambda (its page built into the bundle) behind
 * an HTTP API, with operators in a Cognito user pool. As functions/dashboard-api/handler.ts expects:
 * `GET /` and `GET /dashboard/{proxy+}` serve the page (which holds no data) without a token, and
 * `ANY /api/{proxy+}` needs a Cognito JWT, checked by API Gateway before the Lambda runs.
 *
 * Operators are created by an administrator (no self sign-up), with MFA, and sign in on the
 * user pool's hosted UI, which hands the token back to the page.
 */
export class OperatorDashboard extends Construct {
  readonly api: HttpApi;
  readonly userPool: UserPool;
  readonly lambda: WarmgateLambda;

  constructor(scope: Construct, id: string, props: OperatorDashboardProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.lambda = new WarmgateLambda(this, 'Api', {
      name: 'dashboard-api',
      timeout: Duration.seconds(29), // API Gateway's integration limit is 30 s.
      logRetention: props.logRetention,
      ...(props.bundleMetafile === undefined ? {} : { bundleMetafile: props.bundleMetafile }),
      environment: {
        WARMGATE_MODE: 'aws',
        ENDPOINT_PREFIX: props.scope.prefix,
        RELEASE_PLAN_URL: props.releasePlan.url,
      },
      // The page ships inside the function, where the handler looks for it (./dashboard-assets/).
      afterBundling: (repoRoot, outputDir) => [
        `"${process.execPath}" --import tsx "${repoRoot}/dashboard/build.ts" --out "${outputDir}/dashboard-assets"`,
      ],
    });
    this.grantReads(props);

    this.userPool = new UserPool(this, 'Operators', {
      userPoolName: 'warmgate-operators',
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Operators are a handful of accounts created by an administrator, with TOTP MFA required; the Plus tier prices threat protection per active user for risks (sign-up abuse, credential stuffing at scale) an invite-only pool does not carry.',
    });
    const domain = this.userPool.addDomain('SignIn', {
      cognitoDomain: { domainPrefix: `warmgate-${stack.account}` },
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: 'warmgate-dashboard',
      description: 'warmgate operator dashboard',
      createDefaultStage: false,
    });
    new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // HTTP API context variables ($context.identity.caller and friends are REST-API only).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            route: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            user: '$context.authorizer.claims.sub',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
      // A few operators clicking; the limit only keeps a runaway script off the control plane.
      throttle: { rateLimit: 20, burstLimit: 40 },
    });

    const client = this.userPool.addClient('Page', {
      userPoolClientName: 'warmgate-dashboard',
      generateSecret: false,
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      // The page reads the token from the hosted UI's redirect (#access_token=…), see the handler.
      oAuth: {
        flows: { implicitCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        callbackUrls: [`${this.api.apiEndpoint}/`],
        logoutUrls: [`${this.api.apiEndpoint}/`],
      },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      preventUserExistenceErrors: true,
    });

    const integration = new HttpLambdaIntegration('Integration', this.lambda.fn);
    const publicRoutes = [
      ...this.api.addRoutes({ path: '/', methods: [HttpMethod.GET], integration }),
      ...this.api.addRoutes({ path: '/dashboard/{proxy+}', methods: [HttpMethod.GET], integration }),
    ];
    for (const route of publicRoutes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'The static page and its scripts: no data and no action behind them. Every /api/* route requires the Cognito JWT, and the handler refuses /api/* without verified claims as well.',
      });
    }
    this.api.addRoutes({
      path: '/api/{proxy+}',
      methods: [HttpMethod.ANY],
      integration,
      authorizer: new HttpUserPoolAuthorizer('Operators', this.userPool, { userPoolClients: [client] }),
    });

    new CfnOutput(stack, 'DashboardUrl', { value: `${this.api.apiEndpoint}/` });
    new CfnOutput(stack, 'DashboardSignInUrl', {
      value: domain.signInUrl(client, { redirectUri: `${this.api.apiEndpoint}/`, signInPath: '/login' }),
    });
    new CfnOutput(stack, 'OperatorUserPoolId', { value: this.userPool.userPoolId });
  }

  /** The calls functions/dashboard-api makes (its handler lists them). */
  private grantReads(props: OperatorDashboardProps): void {
    const role = this.lambda.role;
    allow(role, {
      actions: ['sagemaker:ListEndpoints'],
      resources: ['*'],
      why: 'Lists the endpoints the dashboard summarises.',
      wildcard: 'sagemaker:ListEndpoints has no resource type.',
    });
    allow(role, {
      actions: ['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig'],
      resources: [props.scope.endpoints(), props.scope.endpointConfigs()],
      why: "Reads each endpoint's status, instance counts, image and instance type.",
      wildcard:
        'Endpoints are created per rollout at run time; matched by the configured endpoint-name prefix.',
    });
    allow(role, {
      actions: [
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:DescribeScalingActivities',
      ],
      resources: ['*'],
      why: 'Shows the floor, ceiling and the capacity history of each variant.',
      wildcard: 'Application Auto Scaling Describe* actions have no resource type.',
    });
    allow(role, {
      actions: ['cloudwatch:GetMetricData'],
      resources: ['*'],
      why: 'Charts latency and the pre-warm readiness margins.',
      wildcard: 'cloudwatch:GetMetricData has no resource type.',
    });
    allow(role, {
      actions: ['states:ListStateMachines'],
      resources: ['*'],
      why: 'Finds the warmgate machines by name.',
      wildcard: 'states:ListStateMachines has no resource type.',
    });
    allow(role, {
      actions: ['states:ListExecutions', 'states:StartExecution'],
      resources: props.machines.map((machine) => machine.stateMachineArn),
      why: 'Lists recent rollouts and pre-warms, and starts one when an operator asks.',
    });
    allow(role, {
      actions: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:StopExecution'],
      resources: props.machines.map(executionsOf),
      why: "Follows an execution's progress, and stops one when an operator asks.",
      wildcard: 'Execution names are chosen per run; scoped to executions of the warmgate machines.',
    });
    allow(role, {
      actions: ['s3:GetObject'],
      resources: [props.releasePlan.objectArn],
      why: 'Reads the release plan calendar-sync published, to show the planned windows.',
    });
    allowNotFound(
      role,
      props.releasePlan.bucketArn,
      [props.releasePlan.key],
      'Lets S3 say that no plan is published yet, so the dashboard shows no releases instead of failing.',
    );
  }
}
