import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireEndpointLock } from '../../../core/acquire-endpoint-lock.js';
import { confirmLockHeld } from '../../../core/confirm-lock-held.js';
import { ConflictError, LockBusyError, LockLostError } from '../../../core/errors.js';
import { CONTROL_PLANE_TABLES } from '../../../functions/adapters/control-plane-tables.js';
import { DynamoDbEndpointLock } from '../../../functions/adapters/dynamodb-endpoint-lock.js';
import { DynamoDbRemovedScaling } from '../../../functions/adapters/dynamodb-removed-scaling.js';
import { startDynaliteTables } from '../support/dynalite-tables.js';

const LOCKS = CONTROL_PLANE_TABLES.locks.name;

// The real DynamoDB implementation (dynalite), in-process: the property exercises its conditional
// writes, which are what make the lock a lock.
describe('endpoint lock', () => {
  let tables: Awaited<ReturnType<typeof startDynaliteTables>>;
  let client: DynamoDBClient;
  let lock: DynamoDbEndpointLock;
  let runs = 0;

  beforeAll(async () => {
    tables = await startDynaliteTables();
    client = tables.client;
    lock = new DynamoDbEndpointLock(client, LOCKS);
  });

  afterAll(async () => {
    await tables?.close();
  });

  type Op = { kind: 'acquire' | 'release'; owner: number; at: number; lease: number };
  const op = fc.record({
    kind: fc.constantFrom('acquire' as const, 'release' as const),
    owner: fc.integer({ min: 0, max: 3 }),
    at: fc.integer({ min: 0, max: 600 }),
    lease: fc.integer({ min: 60, max: 300 }),
  });

  it('grants an endpoint to at most one live owner whatever the interleaving, and recovers after expiry', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (raw) => {
        // A fresh endpoint per run: runs share the table, never a lock item.
        runs += 1;
        const endpoint = `endpoint-${runs}`;
        // Time only moves forward; the model mirrors the lease rules a reader expects.
        const ops: Op[] = [...raw].sort((a, b) => a.at - b.at);
        let holder: { owner: number; expiresAt: number } | undefined;
        for (const o of ops) {
          const now = new Date(Date.UTC(2026, 10, 28) + o.at * 1000);
          const nowSeconds = Math.floor(now.getTime() / 1000);
          const free = !holder || holder.expiresAt < nowSeconds || holder.owner === o.owner;
          if (o.kind === 'acquire') {
            const attempt = lock.acquire({
              endpoint,
              owner: `exec-${o.owner}`,
              purpose: 'rollout',
              now,
              leaseSeconds: o.lease,
            });
            if (free) {
              await expect(attempt).resolves.toMatchObject({ owner: `exec-${o.owner}` });
              holder = { owner: o.owner, expiresAt: nowSeconds + o.lease };
            } else {
              await expect(attempt).rejects.toBeInstanceOf(LockBusyError);
            }
          } else {
            const released = await lock.release(endpoint, `exec-${o.owner}`);
            expect(released).toBe(holder?.owner === o.owner);
            if (holder?.owner === o.owner) holder = undefined;
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('lets a changing step go ahead only for the execution holding the lock, renewing its lease', async () => {
    // The fence every changing step passes first (core/confirm-lock-held.ts): after any history of
    // acquires (by others, after expiry), releases and renewals, exactly the current holder passes,
    // its lease then runs from the renewal, and everyone else meets LockLostError.
    const fenced = fc.record({
      kind: fc.constantFrom('acquire' as const, 'release' as const, 'renew' as const),
      owner: fc.integer({ min: 0, max: 3 }),
      at: fc.integer({ min: 0, max: 600 }),
      lease: fc.integer({ min: 60, max: 300 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fenced, { minLength: 1, maxLength: 20 }), async (raw) => {
        runs += 1;
        const endpoint = `fenced-${runs}`;
        const ops = [...raw].sort((a, b) => a.at - b.at);
        let holder: { owner: number; expiresAt: number } | undefined;
        for (const o of ops) {
          const now = new Date(Date.UTC(2026, 10, 28) + o.at * 1000);
          const nowSeconds = Math.floor(now.getTime() / 1000);
          const owner = `exec-${o.owner}`;
          if (o.kind === 'acquire') {
            const free = !holder || holder.expiresAt < nowSeconds || holder.owner === o.owner;
            const attempt = lock.acquire({ endpoint, owner, purpose: 'rollout', now, leaseSeconds: o.lease });
            if (free) {
              await expect(attempt).resolves.toMatchObject({ owner });
              holder = { owner: o.owner, expiresAt: nowSeconds + o.lease };
            } else {
              await expect(attempt).rejects.toBeInstanceOf(LockBusyError);
            }
          } else if (o.kind === 'release') {
            if (await lock.release(endpoint, owner)) holder = undefined;
          } else {
            const fence = confirmLockHeld(lock, { endpoint, owner, now, leaseSeconds: o.lease });
            // An expired lease nobody has taken is still its holder's, and renewing it is atomic.
            if (holder?.owner === o.owner) {
              await expect(fence).resolves.toBeUndefined();
              holder = { owner: o.owner, expiresAt: nowSeconds + o.lease };
            } else {
              await expect(fence).rejects.toBeInstanceOf(LockLostError);
            }
          }
          expect((await lock.holder(endpoint))?.owner).toBe(holder ? `exec-${holder.owner}` : undefined);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('lets exactly one of many simultaneous acquirers win', async () => {
    const now = new Date();
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        lock.acquire({
          endpoint: 'manga-recs',
          owner: `exec-${i}`,
          purpose: 'rollout',
          now,
          leaseSeconds: 600,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(LockBusyError);
  });

  it('keeps scaling a rollout removed on its own lock item, for that owner only, until the lock is released', async () => {
    const store = new DynamoDbRemovedScaling(client, LOCKS);
    const removed = {
      limits: { minCapacity: 3, maxCapacity: 6 },
      scheduledActions: [{ name: 'wg-window', schedule: 'at(2026-12-01T00:00:00)', minCapacity: 4 }],
    };
    const now = new Date();
    // Nobody holds the lock: nothing may be saved under it.
    await expect(store.save('saved-scaling', 'exec-a', removed)).rejects.toBeInstanceOf(ConflictError);

    await lock.acquire({
      endpoint: 'saved-scaling',
      owner: 'exec-a',
      purpose: 'rollout',
      now,
      leaseSeconds: 600,
    });
    await store.save('saved-scaling', 'exec-a', removed);
    expect(await store.load('saved-scaling', 'exec-a')).toEqual(removed);
    expect(await store.load('saved-scaling', 'exec-b')).toBeUndefined();
    await expect(store.save('saved-scaling', 'exec-b', removed)).rejects.toBeInstanceOf(ConflictError);
    // The lock item still works as a lock with the extra attribute on it.
    expect((await lock.holder('saved-scaling'))?.owner).toBe('exec-a');

    // Not released while what it saved is still to be put back: the next rollout inherits it.
    expect(await lock.release('saved-scaling', 'exec-a')).toBe(false);
    expect((await lock.holder('saved-scaling'))?.owner).toBe('exec-a');
    await store.clear('saved-scaling', 'exec-a');
    expect(await lock.release('saved-scaling', 'exec-a')).toBe(true);
    expect(await store.load('saved-scaling', 'exec-a')).toBeUndefined();
  });

  it('lets only a rollout take an item with saved scaling, keeping it, even once the lease has expired', async () => {
    const store = new DynamoDbRemovedScaling(client, LOCKS);
    const removed = {
      variant: 'AllTraffic',
      limits: { minCapacity: 3, maxCapacity: 6 },
      scheduledActions: [],
    };
    const then = new Date(Date.now() - 3_600_000);
    await lock.acquire({
      endpoint: 'expired',
      owner: 'exec-old',
      purpose: 'rollout',
      now: then,
      leaseSeconds: 60,
    });
    await store.save('expired', 'exec-old', removed);
    const now = new Date();
    // A pre-warm would release the lock right after raising, and the saved scaling with it.
    await expect(
      lock.acquire({ endpoint: 'expired', owner: 'prewarm-1', purpose: 'prewarm', now, leaseSeconds: 600 }),
    ).rejects.toThrow(/only a rollout puts back/);
    await expect(
      lock.takeOver({
        endpoint: 'expired',
        owner: 'prewarm-1',
        purpose: 'prewarm',
        now,
        leaseSeconds: 600,
        from: 'exec-old',
      }),
    ).rejects.toBeInstanceOf(LockBusyError);
    // The lease ran out: a rollout takes the lock, and inherits what was saved.
    await lock.acquire({
      endpoint: 'expired',
      owner: 'exec-new',
      purpose: 'rollout',
      now,
      leaseSeconds: 600,
    });
    expect(await store.load('expired', 'exec-new')).toEqual(removed);
    await store.clear('expired', 'exec-new');
    expect(await lock.release('expired', 'exec-new')).toBe(true);
  });

  it('moves the lock from an ended holder to a new owner, with what the holder saved, and only from that holder', async () => {
    const store = new DynamoDbRemovedScaling(client, LOCKS);
    const removed = { limits: { minCapacity: 2, maxCapacity: 5 }, scheduledActions: [] };
    const now = new Date();
    await lock.acquire({
      endpoint: 'taken-over',
      owner: 'exec-stopped',
      purpose: 'rollout',
      now,
      leaseSeconds: 3600,
    });
    await store.save('taken-over', 'exec-stopped', removed);

    // Only from the holder named: a stale view of who holds it changes nothing.
    await expect(
      lock.takeOver({
        endpoint: 'taken-over',
        owner: 'exec-new',
        purpose: 'rollout',
        now,
        leaseSeconds: 600,
        from: 'exec-other',
      }),
    ).rejects.toBeInstanceOf(LockBusyError);
    expect((await lock.holder('taken-over'))?.owner).toBe('exec-stopped');

    const lease = await lock.takeOver({
      endpoint: 'taken-over',
      owner: 'exec-new',
      purpose: 'rollout',
      now,
      leaseSeconds: 600,
      from: 'exec-stopped',
    });
    expect(lease.owner).toBe('exec-new');
    expect((await lock.holder('taken-over'))?.owner).toBe('exec-new');
    expect(await store.load('taken-over', 'exec-new')).toEqual(removed);
    expect(await lock.release('taken-over', 'exec-stopped')).toBe(false);
    await store.clear('taken-over', 'exec-new');
    expect(await lock.release('taken-over', 'exec-new')).toBe(true);
  });

  it('takes a lock over only from an execution that ended longer ago than the grace, and never on a guess', async () => {
    const now = new Date();
    const endedAgo = (ms: number) => ({ endedAt: async () => new Date(now.getTime() - ms) });
    const request = {
      endpoint: 'grace',
      owner: 'exec-next',
      purpose: 'rollout' as const,
      now,
      leaseSeconds: 600,
    };
    await lock.acquire({ ...request, owner: 'exec-stopped', leaseSeconds: 3600 });
    const attempt = (executions: { endedAt: () => Promise<Date | undefined> }) =>
      acquireEndpointLock({ lock, executions, takeoverGraceMs: 60_000 }, request);

    // Still running, or its status unknown: the holder keeps the lock.
    await expect(attempt({ endedAt: async () => undefined })).rejects.toBeInstanceOf(LockBusyError);
    await expect(
      attempt({
        endedAt: async () => {
          throw new Error('DescribeExecution: AccessDenied');
        },
      }),
    ).rejects.toThrow(/locked by exec-stopped/);
    // Ended 10 s ago: the step it was running may still be changing the endpoint.
    await expect(attempt(endedAgo(10_000))).rejects.toThrow(/can be taken over from/);
    expect((await lock.holder('grace'))?.owner).toBe('exec-stopped');
    // Ended two minutes ago: taken over.
    await expect(attempt(endedAgo(120_000))).resolves.toMatchObject({
      owner: 'exec-next',
      tookOverFrom: 'exec-stopped',
    });
    expect((await lock.holder('grace'))?.owner).toBe('exec-next');
  });
});
