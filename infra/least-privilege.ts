import { Stack, Validations } from 'aws-cdk-lib';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
// The same flattening cdk-nag uses to name an IAM5 finding (`Resource::<flattened ARN>`), so an
// acknowledgement written here matches the finding exactly; a drift would surface as an
// unacknowledged finding in the synth test, never as a silent over-grant.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';

/** One IAM statement, with the reasons that go into the code review and the cdk-nag report. */
export interface Grant {
  /** Every action by its full name; a `*` in an action is refused. */
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Record<string, Record<string, unknown>>;
  /** Why the principal needs these actions: which call of which handler makes them. */
  readonly why: string;
  /**
   * Why a resource pattern with `*` cannot be narrower. Required exactly when a resource holds a
   * `*`; it becomes the reason of the cdk-nag AwsSolutions-IAM5 acknowledgement.
   */
  readonly wildcard?: string;
}

/**
 * Adds `grant` to `role`'s policy and acknowledges its wildcard resources with the written reason.
 *
 * Every permission in the stack goes through here, so the house rules hold by construction:
 * actions are named one by one, and a wildcard resource without a reason (or a reason without a
 * wildcard, which would be a stale acknowledgement) fails the synth.
 *
 * @throws Error when an action contains `*`, or when `wildcard` does not match the resources.
 */
export function allow(role: IRole, grant: Grant): void {
  const wildcardAction = grant.actions.find((action) => action.includes('*'));
  if (wildcardAction !== undefined) {
    throw new Error(`refusing wildcard action ${wildcardAction}: list each action by name (${grant.why})`);
  }
  const statement = new PolicyStatement({
    actions: [...grant.actions],
    resources: [...grant.resources],
    ...(grant.conditions === undefined ? {} : { conditions: grant.conditions }),
  });
  role.addToPrincipalPolicy(statement);

  const stack = Stack.of(role);
  const wildcards = grant.resources
    .map((resource) => flattenCfnReference(stack.resolve(resource)))
    .filter((resource) => resource.includes('*'));
  if (wildcards.length > 0 && grant.wildcard === undefined) {
    throw new Error(`resources ${wildcards.join(', ')} need a written reason (${grant.why})`);
  }
  if (wildcards.length === 0 && grant.wildcard !== undefined) {
    throw new Error(`a wildcard reason was given but no resource has a wildcard (${grant.why})`);
  }
  for (const resource of wildcards) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${resource}]`,
      reason: `${grant.why} ${grant.wildcard}`,
    });
  }
}
