import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SafetyViolationError, ValidationError } from '../../../../core/errors.js';
import type { RemovedScalingStore } from '../../../../core/ports/removed-scaling-store.js';
import type {
  ScalableVariant,
  ScalingLimits,
  ScheduledAction,
  VariantScaling,
} from '../../../../core/ports/scaling.js';
import { planPrewarm } from '../../../../core/prewarm/prewarm-plan.js';
import { raiseFloor } from '../../../../core/prewarm/raise-floor.js';
import { restoreWindowFloor } from '../../../../core/prewarm/restore-floor.js';
import { ensureFloor } from '../../../../core/rollout/ensure-floor.js';
import { restoreRemovedScaling } from '../../../../core/rollout/removed-scaling.js';
import { planRollout } from '../../../../core/rollout/rollout-plan.js';
import { MemoryHolds } from '../memory-holds.js';

// In-memory implementations of warmgate's own ports (not of any AWS SDK): the properties are
// about core's decisions, and every write the core makes is recorded to check against.
class RecordingScaling implements VariantScaling {
  limits: ScalingLimits | undefined;
  readonly writes: ScalingLimits[] = [];
  constructor(initial?: ScalingLimits) {
    this.limits = initial;
  }
  async describe(_target: ScalableVariant) {
    return this.limits;
  }
  async register(_target: ScalableVariant, limits: ScalingLimits) {
    this.writes.push(limits);
    this.limits = limits;
  }
  async deregister() {
    this.limits = undefined;
  }
  async scheduledActions(): Promise<ScheduledAction[]> {
    return [];
  }
  async putScheduledAction() {}
  async putConcurrencyTracking() {
    return 'policy';
  }
}

/** The pre-warm execution that raises window `n` in these properties. */
const windowOwner = (n: number) => `arn:aws:states:us-east-1:123456789012:execution:warmgate-prewarm:w${n}`;

/** Saved scaling is not what these properties are about; nothing is ever saved here. */
const noSavedScaling: RemovedScalingStore = {
  save: async () => {},
  load: async () => undefined,
  clear: async () => {},
};

const NOW = new Date('2026-11-28T00:00:00Z');
const PLAN = planRollout(
  {
    request: {
      endpoint: 'manga-recs',
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/warmgate-container:2',
      modelDataUrl: 's3://models-bucket/manga/v2.tar.gz',
      instanceType: 'ml.c5.xlarge',
    },
    executionId: 'exec-1',
    startedAt: '2026-11-28T00:00:00Z',
  },
  'aws',
);
const target = { endpoint: 'manga-recs', variant: 'AllTraffic' };
const existingLimits = fc.option(
  fc.record({ minCapacity: fc.integer({ min: 2, max: 20 }), maxCapacity: fc.integer({ min: 2, max: 40 }) }),
  { nil: undefined },
);

type Step =
  | { kind: 'rollout'; minCapacity: number; maxCapacity: number }
  | { kind: 'rollback-restore'; savedMin: number; savedMax: number }
  | { kind: 'raise'; window: number; minCapacity: number }
  | { kind: 'restore'; window: number; baseFloor: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  // A failed rollout putting back scaling it removed, whatever floor the saved target had.
  fc.record({
    kind: fc.constant('rollback-restore' as const),
    savedMin: fc.integer({ min: 0, max: 12 }),
    savedMax: fc.integer({ min: 0, max: 24 }),
  }),
  fc.record({
    kind: fc.constant('rollout' as const),
    minCapacity: fc.integer({ min: -3, max: 12 }),
    maxCapacity: fc.integer({ min: 1, max: 24 }),
  }),
  fc.record({
    kind: fc.constant('raise' as const),
    window: fc.integer({ min: 0, max: 3 }),
    minCapacity: fc.integer({ min: -3, max: 16 }),
  }),
  fc.record({
    kind: fc.constant('restore' as const),
    window: fc.integer({ min: 0, max: 3 }),
    baseFloor: fc.integer({ min: -3, max: 6 }),
  }),
);

async function apply(scaling: RecordingScaling, holds: MemoryHolds, s: Step): Promise<void> {
  switch (s.kind) {
    case 'rollout':
      await ensureFloor(
        { scaling, holds, removedScaling: noSavedScaling, targetConcurrencyPerInstance: 4 },
        target,
        { minCapacity: s.minCapacity, maxCapacity: s.maxCapacity },
        undefined,
        'exec-1',
        NOW,
      );
      return;
    case 'rollback-restore':
      await restoreRemovedScaling(
        { scaling, holds, removedScaling: noSavedScaling },
        PLAN,
        { limits: { minCapacity: s.savedMin, maxCapacity: s.savedMax }, scheduledActions: [] },
        NOW,
      );
      return;
    case 'raise':
    case 'restore': {
      const plan = planPrewarm({
        endpoint: target.endpoint,
        windowId: `w${s.window}`,
        releaseAt: '2026-11-28T01:00:00Z',
        restoreAt: '2026-11-28T02:00:00Z',
        minCapacity: s.kind === 'raise' ? s.minCapacity : 2,
        baseFloor: s.kind === 'restore' ? s.baseFloor : 2,
      });
      if (s.kind === 'raise') await raiseFloor({ scaling, holds }, plan, windowOwner(s.window), NOW);
      else await restoreWindowFloor({ scaling, holds }, plan, windowOwner(s.window), NOW);
    }
  }
}

describe('floor invariant', () => {
  it('never writes a MinCapacity below 2 whatever sequence of rollouts, rollbacks, raises and restores runs', async () => {
    await fc.assert(
      fc.asyncProperty(existingLimits, fc.array(step, { maxLength: 12 }), async (initial, steps) => {
        const scaling = new RecordingScaling(initial);
        const holds = new MemoryHolds();
        for (const s of steps) {
          const before = scaling.writes.length;
          try {
            await apply(scaling, holds, s);
          } catch (error) {
            // A refused step is allowed only as a validation or safety refusal, and writes nothing.
            expect(error instanceof ValidationError || error instanceof SafetyViolationError).toBe(true);
            expect(scaling.writes.length).toBe(before);
          }
        }
        for (const write of scaling.writes) {
          expect(write.minCapacity).toBeGreaterThanOrEqual(2);
          expect(write.maxCapacity).toBeGreaterThanOrEqual(write.minCapacity);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never lowers the floor below what an active window holds when a rollout ends inside it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 16 }),
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 2, max: 24 }),
        async (windowFloor, rolloutFloor, rolloutMax) => {
          const scaling = new RecordingScaling({ minCapacity: 2, maxCapacity: 4 });
          const holds = new MemoryHolds();
          await apply(scaling, holds, { kind: 'raise', window: 0, minCapacity: windowFloor });
          await apply(scaling, holds, {
            kind: 'rollout',
            minCapacity: rolloutFloor,
            maxCapacity: Math.max(rolloutMax, rolloutFloor),
          });
          expect(scaling.limits?.minCapacity).toBe(Math.max(windowFloor, rolloutFloor));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('restores to the rollout floor, not below it, when the last window ends', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 2, max: 16 }),
        async (rolloutFloor, windowFloor) => {
          const scaling = new RecordingScaling();
          const holds = new MemoryHolds();
          await apply(scaling, holds, { kind: 'rollout', minCapacity: rolloutFloor, maxCapacity: 24 });
          await apply(scaling, holds, { kind: 'raise', window: 1, minCapacity: windowFloor });
          await apply(scaling, holds, { kind: 'restore', window: 1, baseFloor: 2 });
          expect(scaling.limits?.minCapacity).toBe(rolloutFloor);
        },
      ),
      { numRuns: 200 },
    );
  });
});
