import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { type ProgressItem, progressItems } from '../../core/execution-progress.js';
import { callAws } from '../adapters/aws-errors.js';
import type {
  ExecutionKind,
  ExecutionStatus,
  ExecutionSummary,
  MachinesInfo,
  ProgressResponse,
} from './api-contract.js';

/** The state machine names infra/ deploys and the local region registers, by kind. */
export const MACHINE_NAMES: Readonly<Record<ExecutionKind, string>> = {
  rollout: 'warmgate-rollout',
  prewarm: 'warmgate-prewarm',
};

const KINDS = Object.keys(MACHINE_NAMES) as ExecutionKind[];

// `arn:PARTITION:states:REGION:ACCOUNT:execution:MACHINE:NAME`; the machine name decides the kind.
const EXECUTION_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:([A-Za-z0-9_-]{1,80}):[A-Za-z0-9_-]{1,80}$/;

/**
 * The kind of a warmgate execution ARN. The dashboard only reads and stops warmgate's own
 * executions, so an ARN of any other state machine is refused, not looked up.
 *
 * @throws ValidationError naming `field` when `arn` is not an execution of a warmgate machine.
 */
export function executionKind(arn: string, field = 'arn'): ExecutionKind {
  const machine = EXECUTION_ARN.exec(arn)?.[1];
  const kind = KINDS.find((k) => MACHINE_NAMES[k] === machine);
  if (!kind) {
    throw ValidationError.field(
      field,
      `must be the ARN of a ${Object.values(MACHINE_NAMES).join(' or ')} execution`,
    );
  }
  return kind;
}

// Finished executions never change, so their summaries are kept; bounded so a long-lived
// process (the local region, a warm Lambda) does not grow without end.
const FINISHED_CACHE_SIZE = 500;

/**
 * Warmgate's executions through the Step Functions API: which machines exist, what runs and ran
 * recently with the step each is on, one execution's progress, and start/stop.
 */
export class ExecutionTracker {
  readonly #finished = new Map<string, ExecutionSummary>();

  constructor(private readonly sfn: SFNClient) {}

  /** The ARNs of the rollout and prewarm machines, null for one that is not deployed. */
  async machines(): Promise<MachinesInfo> {
    const found: Record<string, string> = {};
    let nextToken: string | undefined;
    do {
      const page = await callAws('ListStateMachines', () =>
        this.sfn.send(new ListStateMachinesCommand({ nextToken })),
      );
      for (const machine of page.stateMachines ?? []) {
        if (machine.name && machine.stateMachineArn) found[machine.name] = machine.stateMachineArn;
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return {
      rollout: found[MACHINE_NAMES.rollout] ?? null,
      prewarm: found[MACHINE_NAMES.prewarm] ?? null,
    };
  }

  /** Every running execution and the `recent` latest of each machine: running first, newest first. */
  async list(machines: MachinesInfo, recent: number): Promise<ExecutionSummary[]> {
    const arns = KINDS.map((kind) => machines[kind]).filter((arn): arn is string => arn !== null);
    const pages = await Promise.all(
      arns.map(async (stateMachineArn) => {
        const [running, latest] = await Promise.all([
          this.#listPage(stateMachineArn, { statusFilter: 'RUNNING', maxResults: 100 }),
          this.#listPage(stateMachineArn, { maxResults: recent }),
        ]);
        const seen = new Set(running);
        return [...running, ...latest.filter((arn) => !seen.has(arn))];
      }),
    );
    const summaries = await Promise.all(pages.flat().map((arn) => this.summary(arn)));
    return summaries.sort(
      (a, b) =>
        Number(b.status === 'RUNNING') - Number(a.status === 'RUNNING') ||
        b.startedAt.localeCompare(a.startedAt),
    );
  }

  async #listPage(
    stateMachineArn: string,
    filter: { statusFilter?: 'RUNNING'; maxResults: number },
  ): Promise<string[]> {
    const page = await callAws('ListExecutions', () =>
      this.sfn.send(new ListExecutionsCommand({ stateMachineArn, ...filter })),
    );
    return (page.executions ?? []).flatMap((e) => (e.executionArn ? [e.executionArn] : []));
  }

  /** One execution with its current step. @throws ValidationError for a non-warmgate ARN. */
  async summary(arn: string): Promise<ExecutionSummary> {
    return (await this.#read(arn, false)).execution;
  }

  /** One execution and all its progress lines. @throws ValidationError for a non-warmgate ARN. */
  async progress(arn: string): Promise<ProgressResponse> {
    const { execution, items } = await this.#read(arn, true);
    return { execution, items: items ?? [] };
  }

  async #read(
    arn: string,
    wantItems: boolean,
  ): Promise<{ execution: ExecutionSummary; items?: ProgressItem[] }> {
    const kind = executionKind(arn);
    const cached = this.#finished.get(arn);
    if (cached && !wantItems) return { execution: cached };
    const described = await callAws('DescribeExecution', () =>
      this.sfn.send(new DescribeExecutionCommand({ executionArn: arn })),
    );
    const items = progressItems(await this.#history(arn));
    const execution = toSummary(kind, described, items);
    if (execution.status !== 'RUNNING') this.#remember(execution);
    return { execution, items };
  }

  #remember(execution: ExecutionSummary): void {
    this.#finished.set(execution.arn, execution);
    if (this.#finished.size > FINISHED_CACHE_SIZE) {
      const oldest = this.#finished.keys().next().value;
      if (oldest !== undefined) this.#finished.delete(oldest);
    }
  }

  async #history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await callAws('GetExecutionHistory', () =>
        this.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken })),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }

  /**
   * Starts an execution of the `kind` machine with `input`.
   *
   * @throws NotFoundError when that machine is not deployed here.
   */
  async start(kind: ExecutionKind, input: unknown, name?: string): Promise<ExecutionSummary> {
    const stateMachineArn = (await this.machines())[kind];
    if (!stateMachineArn) {
      throw new NotFoundError(`the ${MACHINE_NAMES[kind]} state machine is not deployed here`);
    }
    const started = await callAws('StartExecution', () =>
      this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn,
          input: JSON.stringify(input),
          ...(name ? { name } : {}),
        }),
      ),
    );
    return this.summary(started.executionArn ?? '');
  }

  /**
   * Starts the execution that ends a stopped pre-warm's window: the same input with `end: true`
   * and `endsExecution`, which drops that execution's hold and restores the floor under the lock.
   * A stopped execution never reaches its own restore, so without this its raised floor would stay
   * until the window is over and calendar sync ends it (core/prewarm/end-lapsed-windows.ts).
   * Nothing is started for a pre-warm stopped before it raised the floor: there is nothing to give
   * back, and a restore would overwrite a floor set without a hold.
   *
   * @returns the ending execution, or undefined when the pre-warm never reached RaiseFloor.
   * @throws ValidationError naming `arn` when it is not a pre-warm execution.
   */
  async endWindowOf(arn: string): Promise<ExecutionSummary | undefined> {
    if (executionKind(arn) !== 'prewarm') throw ValidationError.field('arn', 'must be a pre-warm execution');
    const raised = (await this.#history(arn)).some((e) => e.stateEnteredEventDetails?.name === 'RaiseFloor');
    if (!raised) return undefined;
    const described = await callAws('DescribeExecution', () =>
      this.sfn.send(new DescribeExecutionCommand({ executionArn: arn })),
    );
    const input = JSON.parse(described.input ?? '{}') as Record<string, unknown>;
    // Names the stopped execution, so that only its hold is dropped, never a re-run's.
    return this.start('prewarm', { ...input, end: true, endsExecution: arn });
  }

  /** Stops a running execution (a finished one is left as it is) and returns its summary. */
  async stop(arn: string, cause: string): Promise<ExecutionSummary> {
    executionKind(arn);
    await callAws('StopExecution', () =>
      this.sfn.send(new StopExecutionCommand({ executionArn: arn, error: 'StoppedByOperator', cause })),
    );
    return this.summary(arn);
  }
}

function toSummary(
  kind: ExecutionKind,
  described: DescribeExecutionCommandOutput,
  items: readonly ProgressItem[],
): ExecutionSummary {
  const last = items.at(-1);
  return {
    arn: described.executionArn ?? '',
    name: described.name ?? '',
    kind,
    status: (described.status ?? 'RUNNING') as ExecutionStatus,
    ...inputFacts(described.input),
    startedAt: (described.startDate ?? new Date(0)).toISOString(),
    stoppedAt: described.stopDate?.toISOString() ?? null,
    currentStep: last?.message ?? null,
  };
}

// A rollout's input is `{ request: { endpoint } }`; a pre-warm's names the endpoint at the top,
// and `end: true` when it ends a window.
function inputFacts(input: string | undefined): Pick<ExecutionSummary, 'endpoint' | 'endsWindow'> {
  try {
    const parsed = JSON.parse(input ?? '{}') as {
      request?: { endpoint?: unknown };
      endpoint?: unknown;
      end?: unknown;
    };
    const endpoint = parsed.request?.endpoint ?? parsed.endpoint;
    return { endpoint: typeof endpoint === 'string' ? endpoint : null, endsWindow: parsed.end === true };
  } catch {
    return { endpoint: null, endsWindow: false };
  }
}
