import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import {
  type EndLapsedWindowsDeps as EndLapsedWindowsCoreDeps,
  endLapsedWindows,
  type LapsedWindowsReport,
} from '../../core/prewarm/end-lapsed-windows.js';
import { DynamoDbCapacityHolds } from '../adapters/dynamodb-capacity-holds.js';
import { StepFunctionsExecutionStatus } from '../adapters/step-functions-execution-status.js';
import { StepFunctionsPrewarmStarter } from '../adapters/step-functions-prewarm-starter.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { clientConfig, holdsVars, readConfig } from '../shared/runtime-config.js';

export interface EndLapsedWindowsDeps extends EndLapsedWindowsCoreDeps {
  readonly now: () => Date;
}

const endVars = { ...holdsVars, PREWARM_STATE_MACHINE_ARN: z.string().startsWith('arn:') };

/**
 * The last step of `warmgate-calendar-sync`: ends the windows whose pre-warm died holding a
 * raised floor (core/prewarm/end-lapsed-windows.ts). Its own Lambda, so that sync-schedules stays
 * without a DynamoDB client and within issue 4's 400 KiB. The event is not read.
 */
export function makeHandler(deps: EndLapsedWindowsDeps) {
  return lambdaHandler(
    'end-lapsed-windows',
    async (): Promise<LapsedWindowsReport> => endLapsedWindows(deps, deps.now()),
  );
}

export function defaultDeps(): EndLapsedWindowsDeps {
  const config = readConfig(endVars);
  const sfn = new SFNClient(clientConfig());
  return {
    holds: new DynamoDbCapacityHolds(new DynamoDBClient(clientConfig()), config.HOLDS_TABLE_NAME),
    executions: new StepFunctionsExecutionStatus(sfn),
    starter: new StepFunctionsPrewarmStarter(sfn, config.PREWARM_STATE_MACHINE_ARN),
    now: () => new Date(),
  };
}

export const handler = makeHandler(defaultDeps());
