import { readFileSync } from 'node:fs';
import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { allow } from './least-privilege.js';

export interface AslStateMachineProps {
  /** The name the CLI and dashboard look the machine up by, e.g. `warmgate-rollout`. */
  readonly stateMachineName: string;
  /** An ASL file under state-machines/, the same file the local region runs. */
  readonly definitionFile: string;
  /** The function for each `${…FunctionArn}` placeholder in the file; all of them, and no others. */
  readonly tasks: Readonly<Record<string, IFunction>>;
  readonly logRetention: RetentionDays;
}

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

/** The `${Name}` placeholders of an ASL document, in order of first appearance. */
export function aslPlaceholders(definition: string): string[] {
  return [...new Set([...definition.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))];
}

/** The ARN pattern of every execution of `machine`: what following or stopping one needs. */
export function executionsOf(machine: StateMachine): string {
  return Stack.of(machine).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${machine.stateMachineName}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * A STANDARD state machine deployed from an ASL file with `DefinitionSubstitutions` for its Lambda
 * ARNs, logging ALL events with execution data, and X-Ray tracing on.
 *
 * The file is uploaded as it is (DefinitionBody.fromFile), so AWS runs byte for byte what the local
 * region runs. Placeholders and tasks are checked against each other at synth: CloudFormation
 * would otherwise deploy a `${Name}` left unsubstituted and fail only at the first execution.
 *
 * @throws Error at synth when a placeholder has no function, or a function no placeholder.
 */
export class AslStateMachine extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: AslStateMachineProps) {
    super(scope, id);
    const placeholders = aslPlaceholders(readFileSync(props.definitionFile, 'utf8'));
    const missing = placeholders.filter((name) => !(name in props.tasks));
    const unused = Object.keys(props.tasks).filter((name) => !placeholders.includes(name));
    if (missing.length > 0 || unused.length > 0) {
      throw new Error(
        `${props.definitionFile}: placeholders without a function [${missing.join(', ')}], functions without a placeholder [${unused.join(', ')}]`,
      );
    }

    // The /aws/vendedlogs/ prefix keeps CloudWatch Logs' resource policy small: Step Functions adds
    // one statement per log group outside it, and that policy has a 5,120-character limit.
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${props.stateMachineName}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(props.definitionFile),
      definitionSubstitutions: Object.fromEntries(
        Object.entries(props.tasks).map(([name, fn]) => [name, fn.functionArn]),
      ),
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });

    allow(this.stateMachine.role, {
      actions: ['lambda:InvokeFunction'],
      // Unqualified ARNs, as the Task states name them: no version or alias wildcard is needed.
      resources: Object.values(props.tasks).map((fn) => fn.functionArn),
      why: "Runs the machine's Task states.",
    });
    // The CDK adds these two statements itself for `logs` and `tracingEnabled`.
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions delivers logs through the CloudWatch Logs vended-log-delivery API (CreateLogDelivery, PutResourcePolicy, DescribeLogGroups, …), which supports no resource-level permissions; X-Ray PutTraceSegments/PutTelemetryRecords/GetSampling* likewise have no resource type.',
    });
  }
}
