import { describe, expect, it } from 'vitest';
import { causeMessage, progressItems } from '../../../core/execution-progress.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 28, 0, 0, seconds));

describe('progressItems', () => {
  it('reports states, poll details, retries and the failure cause in order', () => {
    const items = progressItems([
      { id: 1, timestamp: at(0), type: 'ExecutionStarted' },
      {
        id: 2,
        timestamp: at(0),
        type: 'TaskStateEntered',
        stateEnteredEventDetails: { name: 'AcquireLock' },
      },
      { id: 3, timestamp: at(0), type: 'LambdaFunctionScheduled' },
      {
        id: 4,
        timestamp: at(1),
        type: 'LambdaFunctionFailed',
        lambdaFunctionFailedEventDetails: {
          error: 'ThrottledError',
          cause: JSON.stringify({ errorType: 'ThrottledError', errorMessage: 'Rate exceeded' }),
        },
      },
      { id: 5, timestamp: at(2), type: 'LambdaFunctionScheduled' },
      {
        id: 6,
        timestamp: at(3),
        type: 'TaskStateEntered',
        stateEnteredEventDetails: { name: 'DescribeEndpoint' },
      },
      {
        id: 7,
        timestamp: at(4),
        type: 'TaskStateExited',
        stateExitedEventDetails: {
          name: 'DescribeEndpoint',
          output: JSON.stringify({ poll: { status: 'Updating', instances: { current: 1, desired: 2 } } }),
        },
      },
      {
        id: 8,
        timestamp: at(5),
        type: 'WaitStateEntered',
        stateEnteredEventDetails: { name: 'WaitForDeployment' },
      },
      {
        id: 9,
        timestamp: at(9),
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: 'LockBusyError', cause: 'held by exec-1' },
      },
    ]);
    expect(items.map((i) => [i.elapsedSeconds, i.kind, i.message])).toEqual([
      [0, 'state', 'AcquireLock'],
      [2, 'retry', 'retrying after ThrottledError: Rate exceeded'],
      [3, 'state', 'DescribeEndpoint'],
      [4, 'poll', 'endpoint Updating, 1/2 instances'],
      [9, 'failed', 'LockBusyError: held by exec-1'],
    ]);
  });

  it('reports a polling loop once per change of finding, not once per poll', () => {
    const poll = (id: number, status: string) => [
      {
        id,
        timestamp: at(id),
        type: 'TaskStateEntered',
        stateEnteredEventDetails: { name: 'DescribeEndpoint' },
      },
      {
        id: id + 1,
        timestamp: at(id),
        type: 'TaskStateExited',
        stateExitedEventDetails: { name: 'DescribeEndpoint', output: JSON.stringify({ poll: { status } }) },
      },
    ];
    const items = progressItems([
      { id: 1, timestamp: at(0), type: 'ExecutionStarted' },
      ...poll(2, 'Creating'),
      ...poll(4, 'Creating'),
      ...poll(6, 'Creating'),
      ...poll(8, 'InService'),
    ]);
    expect(items.map((i) => i.message)).toEqual([
      'DescribeEndpoint',
      'endpoint Creating',
      'endpoint InService',
    ]);
  });

  it('does not call a caught failure a retry when the next state is a Catch target', () => {
    const items = progressItems([
      { id: 1, timestamp: at(0), type: 'ExecutionStarted' },
      {
        id: 2,
        timestamp: at(1),
        type: 'LambdaFunctionFailed',
        lambdaFunctionFailedEventDetails: { error: 'X', cause: 'boom' },
      },
      { id: 3, timestamp: at(2), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Rollback' } },
      { id: 4, timestamp: at(2), type: 'LambdaFunctionScheduled' },
    ]);
    expect(items.map((i) => i.kind)).toEqual(['state']);
  });

  it('tells how early the capacity was warm when a pre-warm records readiness', () => {
    const items = progressItems([
      { id: 1, timestamp: at(0), type: 'ExecutionStarted' },
      {
        id: 2,
        timestamp: at(3),
        type: 'TaskStateExited',
        stateExitedEventDetails: {
          name: 'RecordReady',
          output: JSON.stringify({ readiness: { marginSeconds: -12.4 } }),
        },
      },
    ]);
    expect(items[0]?.message).toBe('LATE: warm 12 s after the release');
  });
});

describe('causeMessage', () => {
  it('unwraps a Lambda error cause and passes plain text through', () => {
    expect(causeMessage(JSON.stringify({ errorType: 'E', errorMessage: 'inner' }))).toBe('inner');
    expect(causeMessage('plain words')).toBe('plain words');
    expect(causeMessage(undefined)).toBe('');
  });
});
