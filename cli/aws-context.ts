import { ListStateMachinesCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { NotFoundError } from '../core/errors.js';

/**
 * How the CLI reaches AWS or the local region. The SDK reads credentials from the default chain
 * and honours AWS_ENDPOINT_URL, so the same command works against both; only the region default
 * is filled in here, because the local region accepts any.
 */
export function cliClientConfig(): { region: string } {
  return { region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1' };
}

/** True when AWS_ENDPOINT_URL points at this machine, i.e. at `warmgate local`. */
export function targetsLocalRegion(env: NodeJS.ProcessEnv = process.env): boolean {
  const url = env.AWS_ENDPOINT_URL;
  if (!url) return false;
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}

/**
 * The ARN of a warmgate state machine: the explicit one when given, otherwise the one named
 * `warmgate-<kind>` (the name infra/ deploys and the local region registers).
 *
 * @throws NotFoundError when no such state machine exists in this account and region.
 */
export async function findStateMachineArn(
  sfn: SFNClient,
  kind: 'rollout' | 'prewarm',
  explicit?: string,
): Promise<string> {
  if (explicit) return explicit;
  const name = `warmgate-${kind}`;
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ nextToken }));
    const found = page.stateMachines?.find((machine) => machine.name === name);
    if (found?.stateMachineArn) return found.stateMachineArn;
    nextToken = page.nextToken;
  } while (nextToken);
  throw new NotFoundError(
    `no state machine named ${name} here; deploy infra/ or start \`warmgate local\` and set AWS_ENDPOINT_URL`,
  );
}
