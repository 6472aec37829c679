import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_PLANE_TABLES } from '../../../functions/adapters/control-plane-tables.js';
import { DynamoDbCapacityHolds } from '../../../functions/adapters/dynamodb-capacity-holds.js';
import { startDynaliteTables } from '../support/dynalite-tables.js';

const execution = (name: string) =>
  `arn:aws:states:us-east-1:123456789012:execution:warmgate-prewarm:${name}`;
const NOW = new Date('2026-11-28T15:00:00Z');
const window = (owner: string) => ({
  owner: execution(owner),
  variant: 'AllTraffic',
  baseFloor: 2,
  releaseAt: '2026-11-28T14:00:00.000Z',
});

// Against dynalite: the owner condition and the lapsed filter are DynamoDB expressions, which only
// a real implementation evaluates.
describe('DynamoDbCapacityHolds', () => {
  let tables: Awaited<ReturnType<typeof startDynaliteTables>>;
  let holds: DynamoDbCapacityHolds;

  beforeAll(async () => {
    tables = await startDynaliteTables();
    holds = new DynamoDbCapacityHolds(tables.client, CONTROL_PLANE_TABLES.holds.name);
  });
  afterAll(async () => {
    await tables?.close();
  });

  it("drops a window's hold only for the execution that put it", async () => {
    await holds.put({
      endpoint: 'owned',
      holdId: 'w1',
      minCapacity: 4,
      until: '2026-11-28T16:00:00Z',
      window: window('rerun'),
    });
    expect(await holds.remove('owned', 'w1', execution('first-run'))).toBe(false);
    expect((await holds.active('owned', NOW)).map((h) => h.window?.owner)).toEqual([execution('rerun')]);
    expect(await holds.remove('owned', 'w1', execution('rerun'))).toBe(true);
    expect(await holds.active('owned', NOW)).toEqual([]);
    // A hold that names no owner (a rollout's floor, or one written before owners) is anyone's to drop.
    await holds.put({
      endpoint: 'owned',
      holdId: 'rollout-floor',
      minCapacity: 3,
      until: '2026-12-01T00:00:00Z',
    });
    expect(await holds.remove('owned', 'rollout-floor', execution('any'))).toBe(true);
  });

  it('finds lapsed window holds on every endpoint, with what ending each needs, and nothing else', async () => {
    const past = '2026-11-28T14:30:00Z';
    for (let i = 0; i < 30; i += 1) {
      await holds.put({
        endpoint: `lapsed-${i}`,
        holdId: `w-${i}`,
        minCapacity: 3 + (i % 4),
        until: past,
        window: window(`run-${i}`),
      });
    }
    await holds.put({
      endpoint: 'lapsed-0',
      holdId: 'open',
      minCapacity: 5,
      until: '2026-11-28T18:00:00Z',
      window: window('open'),
    });
    await holds.put({ endpoint: 'lapsed-0', holdId: 'rollout-floor', minCapacity: 3, until: past });
    const lapsed = await holds.lapsed(NOW);
    expect(lapsed).toHaveLength(30);
    expect(lapsed.find((h) => h.holdId === 'w-5')).toEqual({
      endpoint: 'lapsed-5',
      holdId: 'w-5',
      minCapacity: 4,
      until: '2026-11-28T14:30:00.000Z',
      window: window('run-5'),
    });
    // Exactly at `until` the window is over; a second before, it is not.
    expect(await holds.lapsed(new Date(Date.parse(past) - 1000))).toEqual([]);
  });
});
