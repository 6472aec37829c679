import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CapacityHolds } from '../../core/ports/capacity-holds.js';
import type { VariantScaling } from '../../core/ports/scaling.js';
import { ApplicationAutoScalingVariantScaling } from '../adapters/application-auto-scaling-variant-scaling.js';
import { DynamoDbCapacityHolds } from '../adapters/dynamodb-capacity-holds.js';
import { clientConfig, holdsVars, readConfig } from './runtime-config.js';

/** What the pre-warm floor steps (raise and restore) change: the scalable target and the holds. */
export interface FloorChangeDeps {
  readonly scaling: VariantScaling;
  readonly holds: CapacityHolds;
  readonly now: () => Date;
}

export function floorChangeDeps(): FloorChangeDeps {
  const config = readConfig(holdsVars);
  return {
    scaling: new ApplicationAutoScalingVariantScaling(new ApplicationAutoScalingClient(clientConfig())),
    holds: new DynamoDbCapacityHolds(new DynamoDBClient(clientConfig()), config.HOLDS_TABLE_NAME),
    now: () => new Date(),
  };
}
