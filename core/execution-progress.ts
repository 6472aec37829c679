/**
 * Turns Step Functions execution history into progress a person can follow: one item per state
 * entered, per retry and per poll, with the time since the execution started. Shared by the CLI
 * (`warmgate rollout --wait`) and the dashboard, and pure: events in, items out.
 */

/** The fields of a GetExecutionHistory event this module reads (SDK or local, same shape). */
export interface HistoryEventLike {
  readonly id?: number | undefined;
  readonly timestamp?: Date | number | string | undefined;
  readonly type?: string | undefined;
  readonly stateEnteredEventDetails?: EventDetails | undefined;
  readonly stateExitedEventDetails?: EventDetails | undefined;
  readonly lambdaFunctionFailedEventDetails?: EventDetails | undefined;
  readonly executionFailedEventDetails?: EventDetails | undefined;
  readonly executionSucceededEventDetails?: EventDetails | undefined;
}

interface EventDetails {
  readonly name?: string | undefined;
  readonly input?: string | undefined;
  readonly output?: string | undefined;
  readonly error?: string | undefined;
  readonly cause?: string | undefined;
}

export interface ProgressItem {
  readonly eventId: number;
  readonly elapsedSeconds: number;
  readonly kind: 'state' | 'poll' | 'retry' | 'failed' | 'succeeded' | 'aborted';
  readonly state?: string;
  readonly message: string;
}

function epochMs(timestamp: HistoryEventLike['timestamp']): number {
  if (timestamp instanceof Date) return timestamp.getTime();
  if (typeof timestamp === 'number') return timestamp < 1e12 ? timestamp * 1000 : timestamp;
  return timestamp ? Date.parse(timestamp) : 0;
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The message inside a Step Functions error cause. Lambda failures arrive as
 * `{"errorType","errorMessage"}` JSON; Fail states and others as plain text.
 */
export function causeMessage(cause: string | undefined): string {
  const parsed = parseJson(cause) as { errorMessage?: unknown } | undefined;
  if (parsed && typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  return cause ?? '';
}

interface StepOutputs {
  poll?: { status?: string; instances?: { current: number; desired: number } };
  capacity?: { ready?: boolean; detail?: string };
  verification?: { instances?: number; smoke?: Array<{ shape: string; latencyMs: number }> };
  readiness?: { marginSeconds?: number | null; late?: boolean };
}

// What a person wants to read after each step; steps not listed say nothing beyond their name.
const STEP_DETAIL: Readonly<Record<string, (state: StepOutputs) => string | undefined>> = {
  DescribeEndpoint: ({ poll }) =>
    poll?.status
      ? `endpoint ${poll.status}${poll.instances ? `, ${poll.instances.current}/${poll.instances.desired} instances` : ''}`
      : undefined,
  CheckCapacity: ({ capacity }) => capacity?.detail,
  VerifyCapacity: ({ verification }) => smokeSummary(verification),
  VerifyWarm: ({ verification }) => smokeSummary(verification),
  RecordReady: ({ readiness }) =>
    typeof readiness?.marginSeconds === 'number'
      ? readiness.marginSeconds >= 0
        ? `warm ${Math.round(readiness.marginSeconds)} s before the release`
        : `LATE: warm ${Math.round(-readiness.marginSeconds)} s after the release`
      : undefined,
};

function smokeSummary(verification: StepOutputs['verification']): string | undefined {
  if (!verification?.smoke) return undefined;
  const shapes = verification.smoke.map((s) => `${s.shape} ${s.latencyMs} ms`).join(', ');
  return `${verification.instances ?? '?'} instances warm${shapes ? `; smoke: ${shapes}` : ''}`;
}

function stepMessage(state: string, output: string | undefined): string | undefined {
  const detail = STEP_DETAIL[state];
  return detail ? detail((parseJson(output) as StepOutputs | undefined) ?? {}) : undefined;
}

// States a machine loops through while it waits: after the first visit, a person wants to hear
// from them only when what they found changes, not once per poll.
const POLLING_STATES = new Set(['DescribeEndpoint', 'CheckCapacity']);

/**
 * Progress items for `events`, relative to the first event's time (ExecutionStarted). Polling
 * states are reported on their first visit and then only when their finding changes.
 */
export function progressItems(events: readonly HistoryEventLike[]): ProgressItem[] {
  const start = events.length > 0 ? epochMs(events[0]?.timestamp) : 0;
  const items: ProgressItem[] = [];
  let lastTaskFailed: string | undefined;
  const visited = new Set<string>();
  const lastFinding = new Map<string, string>();
  for (const event of events) {
    const base = {
      eventId: event.id ?? items.length + 1,
      elapsedSeconds: (epochMs(event.timestamp) - start) / 1000,
    };
    const type = event.type ?? '';
    if (type.endsWith('StateEntered') && event.stateEnteredEventDetails?.name) {
      // Entering a state (a Catch target, say) means the failure before it was not retried.
      lastTaskFailed = undefined;
      const state = event.stateEnteredEventDetails.name;
      if (type === 'WaitStateEntered' || type === 'ChoiceStateEntered') continue;
      if (POLLING_STATES.has(state) && visited.has(state)) continue;
      visited.add(state);
      items.push({ ...base, kind: 'state', state, message: state });
    } else if (type === 'TaskStateExited' && event.stateExitedEventDetails?.name) {
      const state = event.stateExitedEventDetails.name;
      const message = stepMessage(state, event.stateExitedEventDetails.output);
      if (message && lastFinding.get(state) !== message)
        items.push({ ...base, kind: 'poll', state, message });
      if (message) lastFinding.set(state, message);
    } else if (type === 'LambdaFunctionFailed') {
      const details = event.lambdaFunctionFailedEventDetails;
      lastTaskFailed = `${details?.error ?? 'Error'}: ${causeMessage(details?.cause)}`;
    } else if (type === 'LambdaFunctionScheduled' && lastTaskFailed) {
      items.push({ ...base, kind: 'retry', message: `retrying after ${lastTaskFailed}` });
      lastTaskFailed = undefined;
    } else if (type === 'ExecutionFailed') {
      const details = event.executionFailedEventDetails;
      items.push({
        ...base,
        kind: 'failed',
        message: `${details?.error ?? 'failed'}: ${causeMessage(details?.cause)}`,
      });
    } else if (type === 'ExecutionSucceeded') {
      items.push({ ...base, kind: 'succeeded', message: 'succeeded' });
    } else if (type === 'ExecutionAborted' || type === 'ExecutionTimedOut') {
      items.push({
        ...base,
        kind: 'aborted',
        message: type === 'ExecutionAborted' ? 'stopped' : 'timed out',
      });
    }
  }
  return items;
}
