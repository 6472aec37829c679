import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockBusyError } from '../../../core/errors.js';
import { FaultInjector } from '../../../local/faults.js';
import { FunctionRegistry } from '../../../local/lambda/function-registry.js';
import { Router } from '../../../local/router.js';
import type { AslDefinition } from '../../../local/stepfunctions/asl-definition.js';
import { StepFunctionsService } from '../../../local/stepfunctions/step-functions-service.js';

const run = promisify(execFile);

// A small machine with the same constructs as the rollout: a Task with Retry by error name, a
// Catch into a Fail state that reports the Lambda's error, and a Wait.
const definition: AslDefinition = {
  StartAt: 'Step',
  States: {
    Step: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:flaky',
      Parameters: { 'input.$': '$', 'executionId.$': '$$.Execution.Id' },
      ResultPath: '$.step',
      Retry: [{ ErrorEquals: ['LockBusyError'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
      Next: 'Pause',
    },
    Pause: { Type: 'Wait', SecondsPath: '$.pauseSeconds', Next: 'Done' },
    Done: { Type: 'Succeed' },
    Failed: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
  },
} as unknown as AslDefinition;

describe('local Step Functions API', () => {
  let server: Server;
  let url: string;
  let sfn: SFNClient;
  let machineArn: string;
  const calls: Array<{ executionId: string }> = [];

  beforeAll(async () => {
    const functions = new FunctionRegistry({ accountId: '000000000000', region: 'us-east-1' });
    functions.register('flaky', async (event) => {
      const { input, executionId } = event as {
        input: { busyTimes: number; fatal?: boolean };
        executionId: string;
      };
      calls.push({ executionId });
      const attempts = calls.filter((c) => c.executionId === executionId).length;
      if (input.fatal) throw new Error('the model is broken');
      if (attempts <= input.busyTimes) throw new LockBusyError('held by someone else');
      return { attempts };
    });
    const service = new StepFunctionsService({ accountId: '000000000000', region: 'us-east-1', functions });
    machineArn = service.registerStateMachine('demo', definition);
    const router = new Router({
      accountId: '000000000000',
      region: 'us-east-1',
      faults: new FaultInjector(),
    });
    router.register(service.asRegionService());
    server = createServer(router.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    sfn = new SFNClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
  });

  afterAll(async () => {
    sfn?.destroy();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function finished(executionArn: string) {
    for (;;) {
      const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (out.status !== 'RUNNING') return out;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('lists the registered state machine when asked by an SDK client', async () => {
    const out = await sfn.send(new ListStateMachinesCommand({}));
    expect(out.stateMachines?.map((m) => m.name)).toContain('demo');
  });

  it('retries a named retryable error and succeeds when the Lambda recovers', async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn,
        input: JSON.stringify({ busyTimes: 2, pauseSeconds: 0 }),
      }),
    );
    const out = await finished(executionArn ?? '');
    expect({ status: out.status, cause: out.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
    expect(JSON.parse(out.output ?? '{}').step).toEqual({ attempts: 3 });
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = history.events?.map((e) => e.type) ?? [];
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.filter((t) => t === 'LambdaFunctionFailed')).toHaveLength(2);
    expect(types).toContain('TaskStateEntered');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
  });

  it('fails with the Lambda error name and a JSON cause when the error is caught into a Fail state', async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn,
        input: JSON.stringify({ busyTimes: 0, fatal: true }),
      }),
    );
    const out = await finished(executionArn ?? '');
    expect(out.status).toBe('FAILED');
    expect(out.error).toBe('Error');
    expect(JSON.parse(out.cause ?? '{}')).toEqual({
      errorType: 'Error',
      errorMessage: 'the model is broken',
    });
  });

  it('refuses a second execution with the same name when the input differs', async () => {
    const name = `dup-${Date.now()}`;
    const input = JSON.stringify({ busyTimes: 0, pauseSeconds: 5 });
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input }));
    const again = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input }));
    expect(again.executionArn).toBe(first.executionArn);
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input: '{"busyTimes":1}' })),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));
    const stopped = await finished(first.executionArn ?? '');
    expect(stopped.status).toBe('ABORTED');
  });

  it('rejects input that is not JSON and an unknown state machine with AWS error codes', async () => {
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, input: '{not json' })),
    ).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: `${machineArn}-missing`, input: '{}' })),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
  });

  it('answers the AWS CLI with the same execution list the SDK sees', async () => {
    const sdk = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn }));
    const { stdout } = await run(
      'aws',
      [
        '--endpoint-url',
        url,
        'stepfunctions',
        'list-executions',
        '--state-machine-arn',
        machineArn,
        '--output',
        'json',
      ],
      {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'x',
          AWS_SECRET_ACCESS_KEY: 'y',
          AWS_DEFAULT_REGION: 'us-east-1',
        },
      },
    );
    const cli = JSON.parse(stdout) as { executions: Array<{ executionArn: string; status: string }> };
    expect(cli.executions.map((e) => e.executionArn).sort()).toEqual(
      (sdk.executions ?? []).map((e) => e.executionArn).sort(),
    );
  });
});
