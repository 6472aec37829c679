import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { causeMessage } from '../core/execution-progress.js';
import type { SmokeShape } from '../core/rollout/rollout-plan.js';
import { EXIT } from './command-errors.js';
import { followExecution, formatProgress } from './follow-execution.js';

/** The rollout machine's Fail state for input its first step refused (state-machines/rollout.asl.json). */
const INPUT_REFUSED_STATE = 'InputRefused';

/** Prints one line: the human text, or the machine object as JSON. */
export type Printer = (human: string, machine: Record<string, unknown>) => void;

/** A printer for `--json` (one object per line) or for people. */
export function printer(json: boolean): Printer {
  return (human, machine) => console.log(json ? JSON.stringify(machine) : human);
}

/**
 * Starts the rollout state machine and, when `wait` is set, follows it to the end, printing one
 * line per progress item and a summary. Shared by `warmgate rollout` (the CI trigger) and
 * `warmgate start`, so both show a rollout the same way.
 *
 * @returns the exit code: 0 started or succeeded, 1 failed, 2 the first step refused the input
 *   (the execution ended in InputRefused before any resource changed).
 */
export async function runRollout(
  sfn: SFNClient,
  stateMachineArn: string,
  input: { request: Record<string, unknown>; smokeShapes: readonly SmokeShape[]; name?: string },
  options: { wait: boolean; print: Printer },
): Promise<number> {
  const { print } = options;
  const started = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn,
      ...(input.name ? { name: input.name } : {}),
      input: JSON.stringify({ request: input.request, smokeShapes: input.smokeShapes }),
    }),
  );
  const executionArn = started.executionArn ?? '';
  print(`rollout started: ${executionArn}`, { event: 'started', executionArn });
  if (!options.wait) return EXIT.ok;

  // The state the execution failed in tells a refusal from a failure: a ValidationError can also
  // come from a later step (CreateModel refusing the model data) after resources were changed.
  let lastState: string | undefined;
  const final = await followExecution(sfn, executionArn, (item) => {
    if (item.kind === 'state') lastState = item.state;
    print(formatProgress(item), { event: 'progress', ...item });
  });
  if (final.status === 'SUCCEEDED') {
    const output = JSON.parse(final.output ?? '{}') as {
      verification?: { instances?: number; smoke?: Array<{ shape: string; latencyMs: number }> };
      floor?: { minCapacity?: number; maxCapacity?: number };
      deployment?: { action?: string; configName?: string };
    };
    const smoke = (output.verification?.smoke ?? []).map((s) => `${s.shape} ${s.latencyMs} ms`).join(', ');
    print(
      `rollout succeeded: ${String(input.request.endpoint)} ${output.deployment?.action ?? ''} on ${output.deployment?.configName ?? '?'}, ` +
        `${output.verification?.instances ?? '?'} instances warm, floor ${output.floor?.minCapacity ?? '?'}-${output.floor?.maxCapacity ?? '?'}` +
        (smoke ? `; smoke: ${smoke}` : ''),
      { event: 'succeeded', executionArn, output },
    );
    return EXIT.ok;
  }
  const cause = causeMessage(final.cause);
  print(`rollout ${final.status?.toLowerCase()}: ${final.error ?? 'no error name'}: ${cause}`, {
    event: 'failed',
    executionArn,
    status: final.status,
    error: final.error,
    cause,
  });
  // Only the first step's refusal (the InputRefused state) means nothing changed, as with exit 2.
  return lastState === INPUT_REFUSED_STATE && final.error === 'ValidationError' ? EXIT.refused : EXIT.failed;
}
