import type {
  ExecutionSummary,
  ExecutionsResponse,
  ProgressResponse,
  StartedResponse,
} from '../../functions/dashboard-api/api-contract.js';
import type { Api } from './api.js';
import { confirmAction } from './confirm-dialog.js';
import { byId, h, replaceChildren } from './dom.js';
import { formatClock } from './format.js';

const FOLLOW_INTERVAL_MS = 1000;

const STATUS_TONE: Readonly<Record<string, string>> = {
  RUNNING: 'busy',
  SUCCEEDED: 'good',
  FAILED: 'bad',
  TIMED_OUT: 'bad',
  ABORTED: 'warn',
};

const title = (execution: ExecutionSummary) => {
  const endpoint = execution.endpoint ?? 'unknown endpoint';
  if (execution.kind === 'rollout') return `Rollout of ${endpoint}`;
  return execution.endsWindow ? `End of a pre-warm window on ${endpoint}` : `Pre-warm of ${endpoint}`;
};

/** What stopping `execution` leaves behind, for the confirmation. */
function stopConsequence(execution: ExecutionSummary): string {
  if (execution.kind === 'rollout') {
    return 'Resources it already changed stay as they are; SageMaker finishes an update it already started.';
  }
  if (execution.endsWindow) {
    return 'The floor may stay raised until the window is over; calendar sync then gives it back within the hour.';
  }
  return 'If it has raised the floor, its window ends now: the floor goes back to the base, or to what other windows need, before the release.';
}

/**
 * The executions panel: running and recent executions with their current step, and the live
 * progress of the one being followed, polled every second until it ends.
 */
export class ExecutionsView {
  #following: string | undefined;
  #timer: number | undefined;
  #shown = new Set<number>();

  constructor(
    private readonly api: Api,
    private readonly onChange: () => void,
  ) {}

  render(response: ExecutionsResponse): void {
    const list = byId<HTMLUListElement>('executions-list');
    if (response.executions.length === 0) {
      replaceChildren(list, h('li', { class: 'empty' }, 'No executions yet.'));
      return;
    }
    replaceChildren(
      list,
      ...response.executions.map((execution) =>
        h(
          'li',
          { class: execution.arn === this.#following ? 'execution followed' : 'execution' },
          h(
            'div',
            { class: 'execution-head' },
            h('span', { class: `badge ${STATUS_TONE[execution.status] ?? 'busy'}` }, execution.status),
            h('strong', {}, title(execution)),
            h('span', { class: 'sub' }, `started ${formatClock(execution.startedAt)}`),
          ),
          h('div', { class: 'execution-step' }, execution.currentStep ?? 'starting'),
          h(
            'div',
            { class: 'execution-actions' },
            h(
              'button',
              {
                type: 'button',
                class: 'link',
                'aria-label': `Follow ${title(execution)} (${execution.name})`,
                onclick: () => this.follow(execution.arn),
              },
              'Follow',
            ),
            execution.status === 'RUNNING'
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'link danger',
                    'aria-label': `Stop ${title(execution)} (${execution.name})`,
                    onclick: () => this.#confirmStop(execution),
                  },
                  'Stop…',
                )
              : null,
          ),
        ),
      ),
    );
  }

  async #confirmStop(execution: ExecutionSummary): Promise<void> {
    await confirmAction({
      title: 'Stop this execution?',
      description: [
        h(
          'p',
          {},
          `${title(execution)} (${execution.name}) stops at its current step: ${execution.currentStep ?? 'starting'}. `,
          stopConsequence(execution),
        ),
      ],
      confirmLabel: 'Stop execution',
      danger: true,
      onConfirm: async () => {
        const stopped = await this.api.post<StartedResponse>('/api/executions/stop', { arn: execution.arn });
        // Ending a pre-warm's window is what happens next; that is the progress worth watching.
        this.follow(stopped.ending?.arn ?? execution.arn);
        this.onChange();
      },
    });
  }

  /** Shows `arn`'s progress and keeps it current until the execution ends. */
  follow(arn: string): void {
    if (this.#following !== arn) {
      this.#following = arn;
      this.#shown = new Set();
      replaceChildren(byId('progress-items'));
      byId('progress-status').textContent = 'Loading progress…';
    }
    window.clearTimeout(this.#timer);
    void this.#poll(arn);
  }

  async #poll(arn: string): Promise<void> {
    let progress: ProgressResponse;
    try {
      progress = await this.api.get<ProgressResponse>(
        `/api/executions/progress?arn=${encodeURIComponent(arn)}`,
      );
    } catch (error) {
      if (this.#following !== arn) return;
      byId('progress-status').textContent = `Progress unavailable: ${(error as Error).message}`;
      this.#timer = window.setTimeout(() => void this.#poll(arn), FOLLOW_INTERVAL_MS * 3);
      return;
    }
    if (this.#following !== arn) return;
    const { execution, items } = progress;
    const list = byId<HTMLOListElement>('progress-items');
    for (const item of items) {
      if (this.#shown.has(item.eventId)) continue;
      this.#shown.add(item.eventId);
      list.append(
        h(
          'li',
          { class: `progress-${item.kind}` },
          h('span', { class: 'elapsed' }, `${item.elapsedSeconds.toFixed(1)} s`),
          h('span', {}, item.message),
        ),
      );
    }
    byId('progress-title').textContent = `Progress: ${title(execution)}`;
    byId('progress-status').textContent =
      execution.status === 'RUNNING'
        ? `Running: ${execution.currentStep ?? 'starting'}`
        : `${execution.status === 'SUCCEEDED' ? 'Succeeded' : `Ended ${execution.status}`}${
            execution.currentStep ? `: ${execution.currentStep}` : ''
          }`;
    byId('progress-status').dataset.status = execution.status;
    if (execution.status === 'RUNNING') {
      this.#timer = window.setTimeout(() => void this.#poll(arn), FOLLOW_INTERVAL_MS);
    } else {
      this.onChange();
    }
  }
}
