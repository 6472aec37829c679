import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_PLANE_TABLES } from '../../../functions/adapters/control-plane-tables.js';
import { aslPlaceholders } from '../../../infra/asl-state-machine.js';
import { CREATE_REQUIRE_BANNER, DYNAMIC_REQUIRE_SHIM, REPO_ROOT } from '../../../infra/lambda-bundling.js';
import {
  readTemplate,
  type SynthesizedTemplate,
  stagedAssetPath,
  stagedLambdaBundles,
  standInEnvironment,
} from '../../../infra/synthesized-assets.js';
import { buildWarmgateApp } from '../../../infra/warmgate-app.js';

const run = promisify(execFile);
const STACK = 'Warmgate';

/**
 * cfn-lint warnings accepted on the synthesised template, each with the reason. Anything else
 * (and any error) fails the test.
 */
const ACCEPTED_CFN_LINT_WARNINGS: Record<string, string> = {
  W3005:
    "The CDK adds DependsOn on a Lambda's (and the state machine's) role next to the GetAtt of its ARN, so the policy is attached before the first invocation; the duplicate ordering is harmless.",
};

type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };

function policies(template: SynthesizedTemplate): Array<{ id: string; statements: Statement[] }> {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy')
    .map(([id, r]) => ({
      id,
      statements: (r.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
    }));
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Synthesises the app without running esbuild: for checks of the template alone. */
function synthWithoutBundling(context: Record<string, unknown> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'warmgate-cdk-'));
  const built = buildWarmgateApp({ outdir, context: { [BUNDLING_STACKS]: [], ...context } });
  return { ...built, outdir };
}

describe('warmgate CDK app', () => {
  let outdir: string;
  let template: SynthesizedTemplate;
  let synthError: unknown;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'warmgate-cdk-'));
    try {
      buildWarmgateApp({ outdir }).app.synth();
    } catch (error) {
      synthError = error;
    }
    template = readTemplate(outdir, STACK);
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('synthesises with no unacknowledged cdk-nag finding', () => {
    const report = (() => {
      try {
        return readFileSync(join(outdir, 'validation-report.json'), 'utf8');
      } catch {
        return '(no report)';
      }
    })();
    expect(synthError, report).toBeUndefined();
  });

  it('refuses to synthesise when a wildcard permission has no written reason', () => {
    const { app, stack, outdir: dir } = synthWithoutBundling();
    try {
      // acquire-lock holds no acknowledged wildcard. (cdk-nag acknowledges per finding id and
      // construct, so on a role that already has an acknowledged Resource::* another one would pass.)
      stack.lambdas
        .get('acquire-lock')
        ?.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
      expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['rollout', 'warmgate-rollout'],
    ['prewarm', 'warmgate-prewarm'],
    ['calendar-sync', 'warmgate-calendar-sync'],
  ])(
    'deploys state-machines/%s.asl.json byte for byte as %s, with every Lambda ARN substituted',
    (file, name) => {
      const machine = Object.values(template.Resources).find(
        (r) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Properties?.StateMachineName === name,
      );
      const props = machine?.Properties as {
        StateMachineType: string;
        DefinitionS3Location: { Key: string };
        DefinitionSubstitutions: Record<string, { 'Fn::GetAtt': [string, string] }>;
        LoggingConfiguration: { Level: string; IncludeExecutionData: boolean };
        TracingConfiguration: { Enabled: boolean };
      };
      expect(props, name).toBeDefined();
      expect(props.StateMachineType).toBe('STANDARD');
      expect(props.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
      expect(props.TracingConfiguration).toEqual({ Enabled: true });

      const deployed = readFileSync(stagedAssetPath(outdir, STACK, props.DefinitionS3Location.Key), 'utf8');
      expect(deployed).toBe(readFileSync(join(REPO_ROOT, 'state-machines', `${file}.asl.json`), 'utf8'));
      const placeholders = aslPlaceholders(deployed);
      expect(placeholders.length).toBeGreaterThan(0);
      expect(Object.keys(props.DefinitionSubstitutions).sort()).toEqual([...placeholders].sort());
      for (const [placeholder, value] of Object.entries(props.DefinitionSubstitutions)) {
        const [logicalId, attribute] = value['Fn::GetAtt'];
        const target = template.Resources[logicalId];
        expect(target?.Type, placeholder).toBe('AWS::Lambda::Function');
        expect(attribute).toBe('Arn');
        // ValidatePlanFunctionArn runs warmgate-validate-plan, and so on.
        const functionName =
          (target?.Properties as { FunctionName?: string } | undefined)?.FunctionName ?? '';
        const step = functionName.replace(/^warmgate-/, '');
        expect(placeholder.toLowerCase()).toBe(`${step.replaceAll('-', '')}functionarn`);
      }
    },
  );

  it('names every IAM action without a wildcard', () => {
    const actions = policies(template).flatMap((p) => p.statements.flatMap((s) => list(s.Action)));
    expect(actions.length).toBeGreaterThan(20);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    const managed = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::IAM::Role' && r.Properties?.ManagedPolicyArns !== undefined,
    );
    expect(managed).toEqual([]);
  });

  it.each([
    ['create-or-update', 'the model execution role', 'sagemaker.amazonaws.com'],
    ['sync-schedules', 'the scheduler role', 'scheduler.amazonaws.com'],
  ])('lets %s pass one role, %s, to %s only; no other Lambda passes any', (step, _role, service) => {
    const passes = policies(template).flatMap((p) =>
      p.statements.filter((s) => list(s.Action).includes('iam:PassRole')).map((s) => ({ policy: p.id, s })),
    );
    expect(passes).toHaveLength(2);
    const prefix = `${step === 'sync-schedules' ? 'CalendarSyncSchedules' : `Step${step.replaceAll('-', '')}`}`;
    const pass = passes.find((p) => p.policy.startsWith(prefix));
    expect(pass, prefix).toBeDefined();
    const resources = list(pass?.s.Resource) as Array<{ 'Fn::GetAtt': [string, string] }>;
    expect(resources).toHaveLength(1);
    const role = template.Resources[resources[0]?.['Fn::GetAtt'][0] ?? ''];
    expect(role?.Type).toBe('AWS::IAM::Role');
    expect(JSON.stringify(role?.Properties?.AssumeRolePolicyDocument)).toContain(service);
    expect(pass?.s.Condition).toEqual({ StringEquals: { 'iam:PassedToService': service } });
  });

  it('lets sync-schedules write the release plan and the dashboard read it, that object and nothing else', () => {
    const s3 = policies(template).flatMap((p) =>
      p.statements
        .filter((s) => list(s.Action).some((a) => a.startsWith('s3:')))
        .map((s) => ({
          policy: p.id,
          actions: list(s.Action),
          resources: list(s.Resource).map((r) => flattenCfnReference(r)),
        })),
    );
    const plan = s3.filter((s) => s.resources.some((r) => r.endsWith('/warmgate/release-plan.json')));
    expect(plan.map((s) => [s.policy.replace(/[0-9A-F]{8}$/, ''), s.actions, s.resources.length])).toEqual([
      ['CalendarSyncSchedulesRoleDefaultPolicy', ['s3:PutObject'], 1],
      ['DashboardApiRoleDefaultPolicy', ['s3:GetObject'], 1],
    ]);
    const urls = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map(
        (r) =>
          (r.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables,
      )
      .filter((vars) => vars.RELEASE_PLAN_URL !== undefined)
      .map((vars) => flattenCfnReference(vars.RELEASE_PLAN_URL));
    expect(urls).toHaveLength(2);
    expect(new Set(urls).size).toBe(1);
    expect(urls[0]).toMatch(/^s3:\/\/.+\/warmgate\/release-plan\.json$/);
  });

  it('lets end-lapsed-windows scan the holds and start pre-warms, and nothing else', () => {
    const policy = policies(template).find((p) =>
      p.id.startsWith('CalendarEndLapsedWindowsRoleDefaultPolicy'),
    );
    const granted = (policy?.statements ?? []).map((s) => ({
      actions: list(s.Action),
      resources: list(s.Resource).map((r) => flattenCfnReference(r)),
    }));
    // Its own log group's two calls come from the shared Lambda construct; the rest is the step's.
    expect(granted.flatMap((g) => g.actions).sort()).toEqual([
      'dynamodb:Scan',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'states:DescribeExecution',
      'states:StartExecution',
    ]);
    const own = granted.filter((g) => g.actions.some((a) => /^(dynamodb|states):/.test(a)));
    expect(own.map((g) => g.actions)).toEqual([
      ['dynamodb:Scan'],
      ['states:DescribeExecution'],
      ['states:StartExecution'],
    ]);
    expect(own[0]?.resources).toHaveLength(1);
    expect(own[0]?.resources[0]).toMatch(/Holds/);
    expect(own[1]?.resources).toEqual([expect.stringMatching(/:execution:warmgate-prewarm:\*$/)]);
    expect(own[2]?.resources).toHaveLength(1);
    expect(own[2]?.resources[0]).toMatch(/Prewarm/);
  });

  it('scopes every SageMaker permission to endpoints, configs and models with the configured prefix', () => {
    const scoped = (t: SynthesizedTemplate) =>
      policies(t)
        .flatMap((p) => p.statements)
        // ListEndpoints (the dashboard's) has no resource type: it can only be granted on *.
        .filter((s) =>
          list(s.Action).some((a) => a.startsWith('sagemaker:') && a !== 'sagemaker:ListEndpoints'),
        )
        .flatMap((s) => list(s.Resource).map((r) => flattenCfnReference(r)));
    expect(scoped(template).length).toBeGreaterThan(0);
    for (const resource of scoped(template)) {
      expect(resource).toMatch(
        /:sagemaker:<AWS::Region>:<AWS::AccountId>:(endpoint|endpoint-config|model)\/manga-\*$/,
      );
    }

    const { app, outdir: dir } = synthWithoutBundling({ 'warmgate:endpointPrefix': 'recs-' });
    try {
      app.synth();
      const resources = scoped(readTemplate(dir, STACK));
      expect(resources.length).toBeGreaterThan(0);
      expect(resources.every((r) => r.endsWith('/recs-*'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('adds a CI role only for the configured repository and environment, able to start and follow rollouts only', () => {
    const roles = (t: SynthesizedTemplate) =>
      Object.entries(t.Resources).filter(
        ([, r]) =>
          r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties).includes('AssumeRoleWithWebIdentity'),
      );
    expect(roles(template)).toEqual([]);

    const { app, outdir: dir } = synthWithoutBundling({ 'warmgate:ciRepository': 'acme/recs-models' });
    try {
      app.synth();
      const ciTemplate = readTemplate(dir, STACK);
      const [ci] = roles(ciTemplate);
      expect(ci).toBeDefined();
      const trust = JSON.stringify(ci?.[1].Properties?.AssumeRolePolicyDocument);
      expect(trust).toContain(
        '"token.actions.githubusercontent.com:sub":"repo:acme/recs-models:environment:production"',
      );
      expect(trust).toContain('"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"');
      const policy = policies(ciTemplate).find((p) =>
        p.id.startsWith(ci?.[0].replace(/Role[0-9A-F]{8}$/, '') ?? '-'),
      );
      expect(policy?.statements.flatMap((s) => list(s.Action)).sort()).toEqual([
        'states:DescribeExecution',
        'states:GetExecutionHistory',
        'states:ListStateMachines',
        'states:StartExecution',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets release-window schedules start the pre-warm machine and nothing else', () => {
    const [roleId] =
      Object.entries(template.Resources).find(
        ([, r]) =>
          r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties).includes('scheduler.amazonaws.com'),
      ) ?? [];
    expect(roleId).toBeDefined();
    const trust = JSON.stringify(template.Resources[roleId ?? '']?.Properties?.AssumeRolePolicyDocument);
    expect(trust).toContain('aws:SourceAccount');
    expect(trust).toContain('aws:SourceArn');
    const statements = policies(template)
      .filter((p) => JSON.stringify(template.Resources[p.id]?.Properties?.Roles).includes(roleId ?? '-'))
      .flatMap((p) => p.statements);
    expect(statements.flatMap((st) => list(st.Action))).toEqual(['states:StartExecution']);
    const [prewarmId] =
      Object.entries(template.Resources).find(
        ([, r]) => r.Properties?.StateMachineName === 'warmgate-prewarm',
      ) ?? [];
    expect(statements[0]?.Resource).toEqual({ Ref: prewarmId });
  });

  it('starts warmgate-calendar-sync on a calendar upload and hourly, through a role that may start that machine only', () => {
    const [machineId] =
      Object.entries(template.Resources).find(
        ([, r]) => r.Properties?.StateMachineName === 'warmgate-calendar-sync',
      ) ?? [];
    const rules = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Events::Rule')
      .map(
        (r) =>
          r.Properties as {
            EventPattern?: unknown;
            ScheduleExpression?: string;
            Targets: Array<{ Arn: unknown; RoleArn: { 'Fn::GetAtt': [string, string] }; Input: string }>;
          },
      );
    expect(rules.map((r) => (r.ScheduleExpression ? r.ScheduleExpression : 'Object Created')).sort()).toEqual(
      ['Object Created', 'rate(1 hour)'],
    );
    const roleIds = new Set(rules.flatMap((r) => r.Targets.map((t) => t.RoleArn['Fn::GetAtt'][0])));
    expect(roleIds.size).toBe(1);
    for (const rule of rules) {
      expect(rule.Targets).toHaveLength(1);
      expect(rule.Targets[0]?.Arn).toEqual({ Ref: machineId });
      expect(JSON.parse(rule.Targets[0]?.Input ?? '')).toEqual({});
    }
    const [roleId] = [...roleIds];
    expect(JSON.stringify(template.Resources[roleId ?? '']?.Properties?.AssumeRolePolicyDocument)).toContain(
      'events.amazonaws.com',
    );
    const statements = policies(template)
      .filter((p) => JSON.stringify(template.Resources[p.id]?.Properties?.Roles).includes(roleId ?? '-'))
      .flatMap((p) => p.statements);
    expect(statements.map((st) => [list(st.Action), st.Resource])).toEqual([
      [['states:StartExecution'], { Ref: machineId }],
    ]);
  });

  it('lets read-calendar read the calendar and nothing else', () => {
    const statements = policies(template)
      .filter((p) => p.id.startsWith('CalendarReadCalendarRoleDefaultPolicy'))
      .flatMap((p) => p.statements);
    expect(statements.flatMap((st) => list(st.Action)).sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:GetObject',
      's3:ListBucket',
    ]);
    // Listing only as far as telling "not uploaded yet" from "denied": the calendar's own key.
    const listing = statements.find((st) => list(st.Action).includes('s3:ListBucket'));
    expect(listing?.Condition).toEqual({ StringEquals: { 's3:prefix': ['calendar.yaml'] } });
  });

  it("alarms to an SNS topic when any endpoint's pre-warm was late", () => {
    const alarm = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.AlarmName === 'warmgate-late-capacity',
    )?.Properties as { Metrics: Array<{ Expression?: string }>; AlarmActions: Array<{ Ref: string }> };
    expect(alarm.Metrics[0]?.Expression).toContain('MAX(PrewarmLate)');
    expect(template.Resources[alarm.AlarmActions[0]?.Ref ?? '']?.Type).toBe('AWS::SNS::Topic');
  });

  it('alarms to the same topic when a calendar sync fails, times out or is stopped', () => {
    const alarm = Object.values(template.Resources).find(
      (r) =>
        r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.AlarmName === 'warmgate-calendar-sync-failed',
    )?.Properties as {
      Metrics: Array<{
        Expression?: string;
        MetricStat?: {
          Metric: { Namespace: string; MetricName: string; Dimensions: Array<{ Value: unknown }> };
        };
      }>;
      AlarmActions: Array<{ Ref: string }>;
    };
    expect(alarm.Metrics.find((m) => m.Expression)?.Expression).toMatch(/^SUM\(\[/);
    const counted = alarm.Metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
    expect(counted.map((m) => `${m.Namespace}/${m.MetricName}`).sort()).toEqual([
      'AWS/States/ExecutionsAborted',
      'AWS/States/ExecutionsFailed',
      'AWS/States/ExecutionsTimedOut',
    ]);
    for (const metric of counted) {
      const machine =
        template.Resources[(metric.Dimensions[0]?.Value as { Ref: string } | undefined)?.Ref ?? ''];
      expect(machine?.Properties?.StateMachineName).toBe('warmgate-calendar-sync');
    }
    const late = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.AlarmName === 'warmgate-late-capacity',
    )?.Properties as { AlarmActions: Array<{ Ref: string }> };
    expect(alarm.AlarmActions).toEqual(late.AlarmActions);
  });

  it('serves the dashboard page openly, its /api/* only with a Cognito token, and ships the page in the bundle', () => {
    const routes = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
      .map((r) => r.Properties as { RouteKey: string; AuthorizationType?: string; AuthorizerId?: unknown });
    expect(Object.fromEntries(routes.map((r) => [r.RouteKey, r.AuthorizationType ?? 'NONE']))).toEqual({
      'GET /': 'NONE',
      'GET /dashboard/{proxy+}': 'NONE',
      'ANY /api/{proxy+}': 'JWT',
    });
    const authorizer = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::ApiGatewayV2::Authorizer',
    )?.Properties as { JwtConfiguration: { Issuer: unknown } };
    expect(JSON.stringify(authorizer.JwtConfiguration.Issuer)).toContain('cognito-idp.');
    const pool = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::Cognito::UserPool',
    )?.Properties;
    expect(pool).toMatchObject({
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });

    const bundle = stagedLambdaBundles(outdir, STACK).get('warmgate-dashboard-api') ?? '';
    expect(readdirSync(join(bundle, 'dashboard-assets'))).toContain('index.html');
  });

  it('deploys every handler under functions/ as warmgate-<name>, on nodejs22.x or newer, on arm64', () => {
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    const handlers = readdirSync(join(REPO_ROOT, 'functions')).filter((name) =>
      existsSync(join(REPO_ROOT, 'functions', name, 'handler.ts')),
    );
    expect(functions.map((f) => (f.Properties as { FunctionName: string }).FunctionName).sort()).toEqual(
      handlers.map((name) => `warmgate-${name}`).sort(),
    );
    for (const fn of functions) {
      const props = fn.Properties as { Runtime: string; Architectures: string[] };
      const major = Number(/^nodejs(\d+)\.x$/.exec(props.Runtime)?.[1]);
      expect(major, props.Runtime).toBeGreaterThanOrEqual(22);
      expect(props.Architectures).toEqual(['arm64']);
    }
  });

  it('gives each bundle an environment its cold start accepts, and no variable the bundle never reads', async () => {
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    const bundles = stagedLambdaBundles(outdir, STACK);
    for (const fn of functions) {
      const { FunctionName, Environment } = fn.Properties as {
        FunctionName: string;
        Environment: { Variables: Record<string, unknown> };
      };
      const bundle = join(bundles.get(FunctionName) ?? '', 'index.mjs');
      const code = readFileSync(bundle, 'utf8');
      if (code.includes(DYNAMIC_REQUIRE_SHIM)) {
        expect(
          code.startsWith(CREATE_REQUIRE_BANNER),
          `${FunctionName} require()s built-ins without a require`,
        ).toBe(true);
      }
      const env = standInEnvironment(Environment.Variables);
      for (const name of Object.keys(env))
        expect(code, `${FunctionName} never reads ${name}`).toContain(name);
      // A fresh process with only the Lambda's variables, as the runtime starts it: the handler's
      // module init parses its config and fails naming any missing variable.
      const { stdout } = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(bundle)}); console.log(typeof m.handler);`,
        ],
        { env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', ...env } },
      );
      expect(stdout.trim(), FunctionName).toBe('function');
    }
  });

  it("creates the control-plane tables with the local region's names and keys, on demand, with PITR, TTL and encryption", () => {
    const tables = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::DynamoDB::Table')
      .map((r) => r.Properties as Record<string, unknown>);
    expect(tables).toHaveLength(Object.keys(CONTROL_PLANE_TABLES).length);
    for (const expected of Object.values(CONTROL_PLANE_TABLES)) {
      const table = tables.find((t) => t.TableName === expected.name);
      expect(table, expected.name).toBeDefined();
      const keys: Array<{ AttributeName: string; KeyType: string }> = [
        { AttributeName: expected.hash, KeyType: 'HASH' },
      ];
      if ('range' in expected) keys.push({ AttributeName: expected.range, KeyType: 'RANGE' });
      expect(table?.KeySchema).toEqual(keys);
      expect(table).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        SSESpecification: { SSEEnabled: true },
      });
    }
  });

  it('passes cfn-lint with no error and only the accepted warnings', async () => {
    const templateFile = join(outdir, `${STACK}.template.json`);
    // cfn-lint exits non-zero whenever it reports anything; the JSON on stdout is what counts.
    const { stdout } = await run('cfn-lint', ['--format', 'json', templateFile]).catch(
      (error: { stdout?: string; stderr?: string }) => {
        if (!error.stdout) throw new Error(`cfn-lint did not run: ${error.stderr ?? String(error)}`);
        return { stdout: error.stdout };
      },
    );
    const findings = JSON.parse(stdout) as Array<{ Level: string; Rule: { Id: string }; Message: string }>;
    const problems = findings.filter(
      (f) => f.Level === 'Error' || !(f.Rule.Id in ACCEPTED_CFN_LINT_WARNINGS),
    );
    expect(problems.map((f) => `${f.Level} ${f.Rule.Id}: ${f.Message}`)).toEqual([]);
  });
});
