import { Stack } from 'aws-cdk-lib';
import { FederatedPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { executionsOf } from './asl-state-machine.js';
import { allow } from './least-privilege.js';

const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

export interface CiRolloutRoleProps {
  /** `OWNER/REPO` of the workflow (.github/workflows/rollout.yml is the example). */
  readonly repository: string;
  /** The GitHub environment the job runs in; its protection rules gate production rollouts. */
  readonly environment: string;
  readonly rollout: StateMachine;
}

/**
 * The role `warmgate rollout --wait` runs with in CI, assumed through GitHub's OIDC provider: it
 * may find the rollout state machine, start it, and follow its executions, and nothing else. The
 * state machine's own Lambdas hold the SageMaker permissions, so CI never touches an endpoint.
 *
 * The account needs GitHub's OIDC identity provider (`token.actions.githubusercontent.com`,
 * audience `sts.amazonaws.com`) once; it is shared by every role of the account, so this stack
 * refers to it rather than owning it.
 */
export class CiRolloutRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: CiRolloutRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const provider = stack.formatArn({
      service: 'iam',
      region: '',
      resource: 'oidc-provider',
      resourceName: GITHUB_OIDC_HOST,
    });
    this.role = new Role(this, 'Role', {
      description: `GitHub Actions of ${props.repository} (environment ${props.environment}) start warmgate rollouts`,
      assumedBy: new FederatedPrincipal(
        provider,
        {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
            // Only jobs of this repository that run in this environment, not any branch or fork.
            [`${GITHUB_OIDC_HOST}:sub`]: `repo:${props.repository}:environment:${props.environment}`,
          },
        },
        'sts:AssumeRoleWithWebIdentity',
      ),
    });

    allow(this.role, {
      actions: ['states:ListStateMachines'],
      resources: ['*'],
      why: 'The CLI finds the machine by its name, warmgate-rollout.',
      wildcard: 'states:ListStateMachines has no resource type.',
    });
    allow(this.role, {
      actions: ['states:StartExecution'],
      resources: [props.rollout.stateMachineArn],
      why: 'Starts a rollout; the execution name is the CI run, so a retried job cannot start it twice.',
    });
    allow(this.role, {
      actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
      resources: [executionsOf(props.rollout)],
      why: "`--wait` follows the execution's states and reads its outcome.",
      wildcard: 'Execution names are chosen per run; scoped to executions of the rollout machine.',
    });
  }
}
