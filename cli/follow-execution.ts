import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { type ProgressItem, progressItems } from '../core/execution-progress.js';

/**
 * Follows one execution to its end, calling `onProgress` once per new progress item, and
 * returns the final DescribeExecution. Polls GetExecutionHistory (paged) every `intervalMs`:
 * Step Functions has no push API, and a poll a second is far inside its rate limits.
 */
export async function followExecution(
  sfn: SFNClient,
  executionArn: string,
  onProgress: (item: ProgressItem) => void,
  intervalMs = 1000,
  signal?: AbortSignal,
): Promise<DescribeExecutionCommandOutput> {
  let shown = 0;
  for (;;) {
    signal?.throwIfAborted();
    const events = await fullHistory(sfn, executionArn);
    const items = progressItems(events);
    for (const item of items.slice(shown)) {
      onProgress(item);
      signal?.throwIfAborted();
    }
    shown = items.length;
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') {
      // The last events may land between the two calls; read once more so nothing is lost.
      const finalItems = progressItems(await fullHistory(sfn, executionArn));
      for (const item of finalItems.slice(shown)) onProgress(item);
      return execution;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

async function fullHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** `[  12.3s] message`: the human form of one progress item. */
export function formatProgress(item: ProgressItem): string {
  const marker = item.kind === 'retry' ? '↻ ' : item.kind === 'poll' ? '  ' : '';
  return `[${item.elapsedSeconds.toFixed(1).padStart(6)}s] ${marker}${item.message}`;
}
