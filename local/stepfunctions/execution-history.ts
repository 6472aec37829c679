/**
 * Turns aws-local-stepfunctions event logs into Step Functions `HistoryEvent`s, so callers of
 * GetExecutionHistory (the CLI's progress stream, the dashboard) read the same shapes they get
 * from AWS: `TaskStateEntered`, `LambdaFunctionFailed`, `ExecutionSucceeded`, ...
 */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

/** The fields of a library event log this mapping reads (the library's own type is not exported). */
export interface EngineEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly Error?: string;
  readonly Cause?: unknown;
  readonly state?: { name: string; type: string; input: unknown; output?: unknown };
  readonly index?: number;
}

type Detail = { type: string; details?: Record<string, unknown> };

const json = (value: unknown): string => JSON.stringify(value ?? null);
const causeText = (cause: unknown): string => (typeof cause === 'string' ? cause : json(cause));

function detailsFor(event: EngineEvent, roleArn: string): Detail[] {
  const state = event.state;
  switch (event.type) {
    case 'ExecutionStarted':
      return [
        {
          type: 'ExecutionStarted',
          details: { executionStartedEventDetails: { input: json(event.input), roleArn } },
        },
      ];
    case 'ExecutionSucceeded':
      return [
        {
          type: 'ExecutionSucceeded',
          details: { executionSucceededEventDetails: { output: json(event.output) } },
        },
      ];
    case 'ExecutionFailed':
      return [
        {
          type: 'ExecutionFailed',
          details: {
            executionFailedEventDetails: {
              error: event.Error ?? 'States.Runtime',
              cause: causeText(event.Cause),
            },
          },
        },
      ];
    case 'ExecutionAborted':
      return [{ type: 'ExecutionAborted', details: { executionAbortedEventDetails: {} } }];
    case 'ExecutionTimeout':
      return [{ type: 'ExecutionTimedOut', details: { executionTimedOutEventDetails: {} } }];
    case 'StateEntered': {
      if (!state) return [];
      const entered: Detail = {
        type: `${state.type}StateEntered`,
        details: { stateEnteredEventDetails: { name: state.name, input: json(state.input) } },
      };
      return state.type === 'Task' ? [entered, { type: 'LambdaFunctionScheduled' }] : [entered];
    }
    case 'StateExited': {
      if (!state) return [];
      const exited: Detail = {
        type: `${state.type}StateExited`,
        details: { stateExitedEventDetails: { name: state.name, output: json(state.output) } },
      };
      if (state.type !== 'Task') return [exited];
      return [
        {
          type: 'LambdaFunctionSucceeded',
          details: { lambdaFunctionSucceededEventDetails: { output: json(state.output) } },
        },
        exited,
      ];
    }
    case 'StateFailed':
      if (state?.type !== 'Task') return [];
      return [
        {
          type: 'LambdaFunctionFailed',
          details: {
            lambdaFunctionFailedEventDetails: {
              error: event.Error ?? 'Error',
              cause: causeText(event.Cause),
            },
          },
        },
      ];
    // A retry shows on AWS as a fresh scheduling of the same function.
    case 'StateRetried':
      return [{ type: 'LambdaFunctionScheduled' }];
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
      return [
        {
          type: event.type,
          details: { mapIterationEventDetails: { name: state?.name, index: event.index } },
        },
      ];
    default:
      return [];
  }
}

/** Appends the history events for one engine event, numbering them as AWS does (1-based). */
export function appendHistory(history: HistoryEvent[], event: EngineEvent, roleArn: string): void {
  // The engine reports a Task whose failure was caught as "exited"; AWS records no exit (and no
  // success) for it, only the next state's entry.
  if (event.type === 'StateExited' && history.at(-1)?.type === 'LambdaFunctionFailed') return;
  for (const { type, details } of detailsFor(event, roleArn)) {
    const id = history.length + 1;
    history.push({ id, previousEventId: id - 1, timestamp: event.timestamp / 1000, type, ...details });
  }
}
