import { describe, expect, it } from 'vitest';
import type { ScalableVariant, ScalingLimits, VariantScaling } from '../../../../core/ports/scaling.js';
import { endingName, endLapsedWindows } from '../../../../core/prewarm/end-lapsed-windows.js';
import { planPrewarm } from '../../../../core/prewarm/prewarm-plan.js';
import { raiseFloor } from '../../../../core/prewarm/raise-floor.js';
import { restoreWindowFloor } from '../../../../core/prewarm/restore-floor.js';
import { MemoryHolds } from '../memory-holds.js';

const execution = (name: string) =>
  `arn:aws:states:us-east-1:123456789012:execution:warmgate-prewarm:${name}`;
const RAISED_BY = execution('scheduled-run');
const ENDER = execution('end-run');
const RELEASE = '2026-11-28T15:00:00Z';
const RESTORE = '2026-11-28T17:00:00Z';
const AFTER = new Date('2026-11-28T17:30:00Z');

/** The floor as the scalable target holds it; only limits matter to these tests. */
class Floor implements Pick<VariantScaling, 'describe' | 'register'> {
  limits: ScalingLimits = { minCapacity: 2, maxCapacity: 8 };
  async describe(_target: ScalableVariant) {
    return this.limits;
  }
  async register(_target: ScalableVariant, limits: ScalingLimits) {
    this.limits = limits;
  }
}

class Starter {
  readonly started = new Map<string, string>();
  async start(name: string, input: string) {
    if (this.started.has(name)) return 'already-started' as const;
    this.started.set(name, input);
    return 'started' as const;
  }
}

/** A planned window's pre-warm input, as calendar sync schedules it. */
const WINDOW = {
  endpoint: 'manga-recs',
  windowId: 'wg-manga-recs-1',
  releases: ['one-piece@2026-11-29T00:00+09:00'],
  releaseAt: RELEASE,
  restoreAt: RESTORE,
  minCapacity: 6,
  baseFloor: 3,
};
const window = () => planPrewarm(WINDOW);

/** A window raised to 6 by RAISED_BY, whose execution then died before its restore. */
async function raisedAndAbandoned() {
  const holds = new MemoryHolds();
  const scaling = new Floor();
  await raiseFloor(
    { holds, scaling: scaling as unknown as VariantScaling },
    window(),
    RAISED_BY,
    new Date(RELEASE),
  );
  return { holds, scaling };
}

describe('ending lapsed windows', () => {
  it('ends a window whose execution died once its time is up, and the ending restores the base floor', async () => {
    const { holds, scaling } = await raisedAndAbandoned();
    expect(scaling.limits.minCapacity).toBe(6);
    const starter = new Starter();
    const report = await endLapsedWindows(
      { holds, starter, executions: { endedAt: async () => new Date(RESTORE) } },
      AFTER,
    );
    const name = endingName({ holdId: 'wg-manga-recs-1' }, { owner: RAISED_BY });
    expect(report).toEqual({ ending: [name], alreadyEnding: [], stillRunning: [] });
    expect(name.length).toBeLessThanOrEqual(80);

    // What the prewarm machine does with that input: EndOrRaise → RestoreFloor, as ENDER.
    const plan = planPrewarm(JSON.parse(starter.started.get(name) ?? '{}'));
    expect(plan).toMatchObject({
      end: true,
      endsExecution: RAISED_BY,
      windowId: 'wg-manga-recs-1',
      baseFloor: 3,
    });
    const restored = await restoreWindowFloor(
      { holds, scaling: scaling as unknown as VariantScaling },
      plan,
      ENDER,
      AFTER,
    );
    expect(restored).toEqual({ minCapacity: 3, stillHeldBy: [] });
    expect(scaling.limits.minCapacity).toBe(3);
    expect(await holds.lapsed(AFTER)).toEqual([]);
  });

  it('leaves a lapsed window to its execution while that still runs, and starts nothing', async () => {
    const { holds } = await raisedAndAbandoned();
    const starter = new Starter();
    const report = await endLapsedWindows(
      { holds, starter, executions: { endedAt: async () => undefined } },
      AFTER,
    );
    expect(report.stillRunning).toHaveLength(1);
    expect(starter.started.size).toBe(0);
  });

  it('touches neither a window still open nor a rollout floor hold', async () => {
    const { holds } = await raisedAndAbandoned();
    await holds.put({ endpoint: 'manga-recs', holdId: 'rollout-floor', minCapacity: 4, until: RELEASE });
    const starter = new Starter();
    const ended = { endedAt: async () => new Date(RELEASE) };
    expect(await endLapsedWindows({ holds, starter, executions: ended }, new Date(RELEASE))).toEqual({
      ending: [],
      alreadyEnding: [],
      stillRunning: [],
    });
    expect(starter.started.size).toBe(0);
  });

  it('starts one ending per lapsed hold however often calendar sync runs', async () => {
    const { holds } = await raisedAndAbandoned();
    const starter = new Starter();
    const deps = { holds, starter, executions: { endedAt: async () => new Date(RESTORE) } };
    await endLapsedWindows(deps, AFTER);
    const again = await endLapsedWindows(deps, AFTER);
    expect(again.ending).toEqual([]);
    expect(again.alreadyEnding).toHaveLength(1);
    expect(starter.started.size).toBe(1);
  });

  it("keeps a re-run's hold and raised floor when the window it re-ran is ended for its old execution", async () => {
    const { holds, scaling } = await raisedAndAbandoned();
    const deps = { holds, scaling: scaling as unknown as VariantScaling };
    // An operator runs the same window again (a manual re-run): its hold replaces the old one.
    const rerun = execution('manual-rerun');
    await raiseFloor(deps, window(), rerun, new Date(RELEASE));
    const ending = planPrewarm({ ...WINDOW, end: true, endsExecution: RAISED_BY });
    const restored = await restoreWindowFloor(deps, ending, ENDER, new Date(RELEASE));
    expect(restored).toEqual({ minCapacity: 6, stillHeldBy: ['wg-manga-recs-1'] });
    expect(scaling.limits.minCapacity).toBe(6);
    // The re-run's own restore gives it back.
    expect(await restoreWindowFloor(deps, window(), rerun, AFTER)).toEqual({
      minCapacity: 3,
      stillHeldBy: [],
    });
  });

  it('refuses an ending that names no ending, or an execution that is not an ARN, naming the field', () => {
    expect(() => planPrewarm({ ...WINDOW, endsExecution: RAISED_BY })).toThrow(/endsExecution/);
    expect(() => planPrewarm({ ...WINDOW, end: true, endsExecution: 'scheduled-run' })).toThrow(
      /endsExecution: must be a Step Functions execution ARN/,
    );
  });
});
