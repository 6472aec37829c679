import './promise-with-resolvers.js';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { FunctionRegistry } from '../lambda/function-registry.js';
import type { JsonTargetService } from '../service.js';
import { errorMapper, wireError } from '../wire-error.js';
import { type AslDefinition, taskBindings } from './asl-definition.js';
import { appendHistory, type EngineEvent, type HistoryEvent } from './execution-history.js';

/** A Step Functions API error: its AWS code (`__type`) and message. All are HTTP 400. */
export class StepFunctionsApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

const OPERATIONS = [
  'ListStateMachines',
  'DescribeStateMachine',
  'StartExecution',
  'DescribeExecution',
  'ListExecutions',
  'GetExecutionHistory',
  'StopExecution',
] as const;

const fallbackErrors = errorMapper({
  validation: { type: 'ValidationException' },
  notFound: { type: 'ResourceNotFound' },
  conflict: { type: 'ConflictException' },
});

type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

interface Execution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: number;
  readonly history: HistoryEvent[];
  status: ExecutionStatus;
  stopDate?: number;
  output?: string;
  error?: string | undefined;
  cause?: string | undefined;
  abort: () => void;
  done: Promise<void>;
}

interface RegisteredMachine {
  readonly arn: string;
  readonly name: string;
  readonly definition: AslDefinition;
  readonly definitionText: string;
  readonly roleArn: string;
  readonly creationDate: number;
  readonly engine: StateMachine;
  readonly taskHandlers: Record<string, (input: unknown) => Promise<unknown>>;
}

export interface StepFunctionsServiceOptions {
  readonly region: string;
  readonly accountId: string;
  readonly functions: FunctionRegistry;
}

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;
// The engine types JSON as its own JSONValue, which it does not export; these name its inputs.
type EngineInput = Parameters<StateMachine['run']>[0];
type EngineTaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type Input = Record<string, unknown>;

/**
 * The local Step Functions API subset warmgate uses, running the same ASL files the CDK deploys
 * with aws-local-stepfunctions. Task states call the registered in-process Lambda functions.
 *
 * Semantics kept from AWS: execution names are unique per state machine (a repeat with the same
 * input while RUNNING returns the same execution, otherwise ExecutionAlreadyExists); input must
 * be a JSON object text; history event types and ids match GetExecutionHistory's.
 */
export class StepFunctionsService {
  readonly #machines = new Map<string, RegisteredMachine>();
  readonly #executions = new Map<string, Execution>();
  readonly #options: StepFunctionsServiceOptions;
  readonly #listeners = new Set<(execution: { executionArn: string; status: ExecutionStatus }) => void>();

  constructor(options: StepFunctionsServiceOptions) {
    this.#options = options;
  }

  /**
   * Registers a state machine. Every Task must call a function the registry knows, checked now so
   * a typo fails at region start rather than halfway through a rollout.
   */
  registerStateMachine(name: string, definition: AslDefinition): string {
    const arn = `arn:aws:states:${this.#options.region}:${this.#options.accountId}:stateMachine:${name}`;
    const taskHandlers: RegisteredMachine['taskHandlers'] = {};
    for (const { stateName, functionName } of taskBindings(definition)) {
      if (!this.#options.functions.has(functionName)) {
        throw new StepFunctionsApiError(
          'InvalidDefinition',
          `state ${stateName} calls unknown function ${functionName}`,
        );
      }
      taskHandlers[stateName] = (input) => this.#options.functions.invoke(functionName, input);
    }
    const engine = new StateMachine(definition as unknown as StateMachineDefinition);
    this.#machines.set(arn, {
      arn,
      name,
      definition,
      definitionText: JSON.stringify(definition, null, 2),
      roleArn: `arn:aws:iam::${this.#options.accountId}:role/${name}-role`,
      creationDate: Date.now() / 1000,
      engine,
      taskHandlers,
    });
    return arn;
  }

  /** Called whenever an execution starts or stops (the dashboard streams these). */
  onExecutionChange(
    listener: (execution: { executionArn: string; status: ExecutionStatus }) => void,
  ): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves when every execution has stopped; used by shutdown and tests. */
  async settle(): Promise<void> {
    await Promise.all([...this.#executions.values()].map((e) => e.done));
  }

  /** Aborts every running execution (region shutdown). */
  stopAll(): void {
    for (const execution of this.#executions.values()) if (execution.status === 'RUNNING') execution.abort();
  }

  /** The service as the region's router takes it (AWS JSON 1.0, `AWSStepFunctions.<Op>`). */
  asRegionService(): JsonTargetService {
    const operations = Object.fromEntries(
      OPERATIONS.map((operation) => [operation, (input: Input) => this.handle(operation, input)]),
    );
    return {
      kind: 'json-target',
      name: 'StepFunctions',
      targetPrefix: 'AWSStepFunctions',
      jsonVersion: '1.0',
      operations,
      errors: (error) =>
        error instanceof StepFunctionsApiError
          ? wireError(error.type, 400, error.message)
          : fallbackErrors(error),
    };
  }

  async handle(operation: string, input: Input): Promise<unknown> {
    switch (operation) {
      case 'ListStateMachines':
        return {
          stateMachines: [...this.#machines.values()].map((m) => ({
            stateMachineArn: m.arn,
            name: m.name,
            type: 'STANDARD',
            creationDate: m.creationDate,
          })),
        };
      case 'DescribeStateMachine': {
        const machine = this.#machine(input.stateMachineArn);
        return {
          stateMachineArn: machine.arn,
          name: machine.name,
          status: 'ACTIVE',
          definition: machine.definitionText,
          roleArn: machine.roleArn,
          type: 'STANDARD',
          creationDate: machine.creationDate,
        };
      }
      case 'StartExecution':
        return this.#start(input);
      case 'DescribeExecution':
        return this.#describe(this.#execution(input.executionArn));
      case 'ListExecutions':
        return this.#list(input);
      case 'GetExecutionHistory': {
        const execution = this.#execution(input.executionArn);
        const events = input.reverseOrder === true ? [...execution.history].reverse() : execution.history;
        return page(events, input, 'events');
      }
      case 'StopExecution': {
        const execution = this.#execution(input.executionArn);
        if (execution.status === 'RUNNING') {
          execution.error = optionalString(input.error);
          execution.cause = optionalString(input.cause);
          execution.abort();
          await execution.done;
        }
        return { stopDate: execution.stopDate ?? Date.now() / 1000 };
      }
      default:
        throw new StepFunctionsApiError(
          'UnknownOperationException',
          `Operation ${operation} is not supported`,
        );
    }
  }

  #machine(arn: unknown): RegisteredMachine {
    const machine = typeof arn === 'string' ? this.#machines.get(arn) : undefined;
    if (!machine)
      throw new StepFunctionsApiError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${String(arn)}'`,
      );
    return machine;
  }

  #execution(arn: unknown): Execution {
    const execution = typeof arn === 'string' ? this.#executions.get(arn) : undefined;
    if (!execution)
      throw new StepFunctionsApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
    return execution;
  }

  #start(input: Input): { executionArn: string; startDate: number } {
    const machine = this.#machine(input.stateMachineArn);
    const name = input.name === undefined ? crypto.randomUUID() : String(input.name);
    if (!NAME_PATTERN.test(name)) throw new StepFunctionsApiError('InvalidName', `Invalid Name: '${name}'`);
    const inputText = input.input === undefined ? '{}' : String(input.input);
    let parsed: unknown;
    try {
      parsed = JSON.parse(inputText);
    } catch {
      throw new StepFunctionsApiError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: not valid JSON',
      );
    }
    const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.#executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === inputText) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new StepFunctionsApiError(
        'ExecutionAlreadyExists',
        `Execution Already Exists: '${executionArn}'`,
      );
    }

    const startDate = Date.now() / 1000;
    const run = machine.engine.run(parsed as EngineInput, {
      overrides: { taskResourceLocalHandlers: machine.taskHandlers as EngineTaskHandlers },
      context: {
        Execution: {
          Id: executionArn,
          Name: name,
          StartTime: new Date(startDate * 1000).toISOString(),
          Input: parsed as EngineInput,
          RoleArn: machine.roleArn,
        },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
    });
    const history: HistoryEvent[] = [];
    const execution: Execution = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      input: inputText,
      startDate,
      history,
      status: 'RUNNING',
      abort: run.abort,
      done: Promise.resolve(),
    };
    const logs = (async () => {
      for await (const event of run.eventLogs) appendHistory(history, event as EngineEvent, machine.roleArn);
    })();
    execution.done = Promise.allSettled([run.result, logs])
      .then(([result]) => {
        execution.stopDate = Date.now() / 1000;
        if (result.status === 'fulfilled') {
          execution.status = 'SUCCEEDED';
          execution.output = JSON.stringify(result.value);
          return;
        }
        const reason = result.reason as Error;
        if (reason?.name === 'ExecutionAbortedError') execution.status = 'ABORTED';
        else if (reason?.name === 'ExecutionTimeoutError') execution.status = 'TIMED_OUT';
        else {
          execution.status = 'FAILED';
          const failed = [...history].reverse().find((e) => e.type === 'ExecutionFailed') as
            | { executionFailedEventDetails?: { error?: string; cause?: string } }
            | undefined;
          execution.error = failed?.executionFailedEventDetails?.error ?? reason?.name;
          execution.cause = failed?.executionFailedEventDetails?.cause ?? reason?.message;
        }
      })
      .finally(() => this.#emit(execution));
    this.#executions.set(executionArn, execution);
    this.#emit(execution);
    return { executionArn, startDate };
  }

  #emit(execution: Execution): void {
    for (const listener of this.#listeners)
      listener({ executionArn: execution.executionArn, status: execution.status });
  }

  #describe(execution: Execution): Record<string, unknown> {
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate,
      input: execution.input,
      ...(execution.stopDate === undefined ? {} : { stopDate: execution.stopDate }),
      ...(execution.output === undefined ? {} : { output: execution.output }),
      ...(execution.error === undefined ? {} : { error: execution.error }),
      ...(execution.cause === undefined ? {} : { cause: execution.cause }),
    };
  }

  #list(input: Input): unknown {
    const machine = this.#machine(input.stateMachineArn);
    const executions = [...this.#executions.values()]
      .filter((e) => e.stateMachineArn === machine.arn)
      .filter((e) => input.statusFilter === undefined || e.status === input.statusFilter)
      .sort((a, b) => b.startDate - a.startDate)
      .map((e) => ({
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
        ...(e.stopDate === undefined ? {} : { stopDate: e.stopDate }),
      }));
    return page(executions, input, 'executions');
  }
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** AWS-style pagination: `maxResults` (default 100, max 1000) and an opaque `nextToken`. */
function page<T>(items: readonly T[], input: Input, key: string): Record<string, unknown> {
  const max = Math.min(Math.max(Number(input.maxResults) || 100, 1), 1000);
  const start = typeof input.nextToken === 'string' ? Number.parseInt(input.nextToken, 10) || 0 : 0;
  const slice = items.slice(start, start + max);
  const next = start + max < items.length ? { nextToken: String(start + max) } : {};
  return { [key]: slice, ...next };
}
