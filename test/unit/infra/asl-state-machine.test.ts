import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AslStateMachine, aslPlaceholders } from '../../../infra/asl-state-machine.js';

// A CDK DefinitionSubstitutions placeholder, written as ASL files write it: `${Name}`.
const placeholder = (name: string) => ['$', '{', name, '}'].join('');

const ASL = JSON.stringify({
  StartAt: 'A',
  States: {
    A: { Type: 'Task', Resource: placeholder('AFunctionArn'), Next: 'B' },
    B: { Type: 'Task', Resource: placeholder('BFunctionArn'), End: true },
  },
});

describe('AslStateMachine', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'warmgate-asl-'));
    file = join(dir, 'test.asl.json');
    writeFileSync(file, ASL);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function machine(taskNames: string[]) {
    const stack = new Stack(new App(), 'S');
    const tasks = Object.fromEntries(
      taskNames.map((name) => [
        name,
        LambdaFunction.fromFunctionArn(stack, name, `arn:aws:lambda:us-east-1:123456789012:function:${name}`),
      ]),
    );
    return new AslStateMachine(stack, 'M', {
      stateMachineName: 'test',
      definitionFile: file,
      tasks,
      logRetention: RetentionDays.ONE_WEEK,
    });
  }

  it('lists each placeholder once, in order of appearance', () => {
    expect(aslPlaceholders(`${ASL}${placeholder('AFunctionArn')}`)).toEqual(['AFunctionArn', 'BFunctionArn']);
  });

  it('refuses at synth an ASL placeholder that no function fills, which would fail only at run time', () => {
    expect(() => machine(['AFunctionArn'])).toThrow(/placeholders without a function \[BFunctionArn\]/);
  });

  it('refuses a function that no Task state calls', () => {
    expect(() => machine(['AFunctionArn', 'BFunctionArn', 'CFunctionArn'])).toThrow(
      /functions without a placeholder \[CFunctionArn\]/,
    );
  });

  // A CDK synth: a few seconds on a loaded 2-core machine, beyond the unit default of 5 s.
  it('substitutes each function ARN and may invoke exactly those functions', { timeout: 30_000 }, () => {
    const template = Template.fromStack(Stack.of(machine(['AFunctionArn', 'BFunctionArn'])));
    const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'test',
      DefinitionSubstitutions: { AFunctionArn: arn('AFunctionArn'), BFunctionArn: arn('BFunctionArn') },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'lambda:InvokeFunction',
            Effect: 'Allow',
            Resource: [arn('AFunctionArn'), arn('BFunctionArn')],
          },
        ]),
      },
    });
  });
});
