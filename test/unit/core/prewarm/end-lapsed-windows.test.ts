import { describe, expect, it } from 'vitest';
import { FloorNotRestoredError, ThrottledError } from '../../../../core/errors.js';
import type { CapacityHold } from '../../../../core/ports/capacity-holds.js';
import type { ExecutionPhase } from '../../../../core/ports/execution-status.js';
import type { ScalableVariant, ScalingLimits, VariantScaling } from '../../../../core/ports/scaling.js';
import {
  ENDINGS_BEFORE_ALARM,
  endingName,
  endLapsedWindows,
} from '../../../../core/prewarm/end-lapsed-windows.js';
import { planPrewarm } from '../../../../core/prewarm/prewarm-plan.js';
import { raiseFloor } from '../../../../core/prewarm/raise-floor.js';
import { restoreWindowFloor } from '../../../../core/prewarm/restore-floor.js';
import { MemoryHolds } from '../memory-holds.js';

const PREWARM = 'arn:aws:states:us-east-1:123456789012:stateMachine:warmgate-prewarm';
const execution = (name: string) => `${PREWARM.replace(':stateMachine:', ':execution:')}:${name}`;
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

/**
 * Step Functions as these steps see it: executions by ARN with their status. StartExecution of a
 * name already used answers as AWS does: the same execution while it runs with the same input,
 * ExecutionAlreadyExists otherwise.
 */
class StepFunctions {
  readonly phases = new Map<string, ExecutionPhase>([[RAISED_BY, 'ABORTED']]);
  readonly inputs = new Map<string, string>();
  readonly executions = {
    endedAt: async (arn: string) => {
      const phase = this.phases.get(arn);
      return phase && phase !== 'RUNNING' ? new Date(RESTORE) : undefined;
    },
    phase: async (arn: string) => this.phases.get(arn),
  };
  readonly starter = {
    executionArn: (name: string) => execution(name),
    start: async (name: string, input: string) => {
      const arn = execution(name);
      if (this.phases.get(arn) === 'RUNNING' && this.inputs.get(name) === input) return 'started' as const;
      if (this.phases.has(arn)) return 'already-started' as const;
      this.phases.set(arn, 'RUNNING');
      this.inputs.set(name, input);
      return 'started' as const;
    },
  };
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
  const sfn = new StepFunctions();
  return { holds, scaling, sfn, deps: { holds, executions: sfn.executions, starter: sfn.starter } };
}

/** A second window, on another endpoint, whose pre-warm timed out holding it. */
async function otherAbandonedWindow(holds: MemoryHolds, sfn: StepFunctions): Promise<string> {
  const other = execution('other-run');
  await holds.put({
    endpoint: 'other-endpoint',
    holdId: 'wg-other-1',
    minCapacity: 4,
    until: RESTORE,
    window: { owner: other, variant: 'AllTraffic', baseFloor: 2, releaseAt: RELEASE },
  });
  sfn.phases.set(other, 'TIMED_OUT');
  return other;
}

describe('ending lapsed windows', () => {
  it('ends a window whose execution died once its time is up, and the ending restores the base floor', async () => {
    const { holds, scaling, sfn, deps } = await raisedAndAbandoned();
    expect(scaling.limits.minCapacity).toBe(6);
    const report = await endLapsedWindows(deps, AFTER);
    const name = endingName({ holdId: 'wg-manga-recs-1' }, { owner: RAISED_BY });
    expect(report).toEqual({ ending: [name], inProgress: [], stillRunning: [] });

    // What the prewarm machine does with that input: EndOrRaise → RestoreFloor, as ENDER.
    const plan = planPrewarm(JSON.parse(sfn.inputs.get(name) ?? '{}'));
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
    const { sfn, deps } = await raisedAndAbandoned();
    sfn.phases.set(RAISED_BY, 'RUNNING');
    expect(await endLapsedWindows(deps, AFTER)).toEqual({
      ending: [],
      inProgress: [],
      stillRunning: [RAISED_BY],
    });
    expect(sfn.inputs.size).toBe(0);
  });

  it('touches neither a window still open nor a hold without a window (a rollout floor)', async () => {
    const { sfn, deps } = await raisedAndAbandoned();
    const rolloutFloor: CapacityHold = {
      endpoint: 'manga-recs',
      holdId: 'rollout-floor',
      minCapacity: 4,
      until: RELEASE,
    };
    // Straight from the store, as a scan that matched it would return it.
    const holds = { lapsed: async () => [rolloutFloor] };
    expect(await endLapsedWindows({ ...deps, holds }, AFTER)).toEqual({
      ending: [],
      inProgress: [],
      stillRunning: [],
    });
    expect(await endLapsedWindows(deps, new Date(RELEASE))).toEqual({
      ending: [],
      inProgress: [],
      stillRunning: [],
    });
    expect(sfn.inputs.size).toBe(0);
  });

  it('starts one ending per lapsed hold while that ending runs, however often calendar sync runs', async () => {
    const { sfn, deps } = await raisedAndAbandoned();
    await endLapsedWindows(deps, AFTER);
    const again = await endLapsedWindows(deps, AFTER);
    expect(again).toEqual({
      ending: [],
      inProgress: [endingName({ holdId: 'wg-manga-recs-1' }, { owner: RAISED_BY })],
      stillRunning: [],
    });
    expect(sfn.inputs.size).toBe(1);
  });

  it('starts the next attempt when an ending ended without giving the floor back, and alarms from the third', async () => {
    const { sfn, deps } = await raisedAndAbandoned();
    const attempt = (n: number) => endingName({ holdId: 'wg-manga-recs-1' }, { owner: RAISED_BY }, n);
    expect(attempt(2)).toBe(`${attempt(1)}-2`);
    for (let n = 1; n <= ENDINGS_BEFORE_ALARM; n += 1) {
      expect((await endLapsedWindows(deps, AFTER)).ending).toEqual([attempt(n)]);
      // That ending gave up waiting for the lock (a long rollout): it failed, the hold stays.
      sfn.phases.set(execution(attempt(n)), n === 2 ? 'ABORTED' : 'FAILED');
    }
    expect(ENDINGS_BEFORE_ALARM).toBe(3);
    // The fourth is still started, so the floor comes back once the lock frees, but the run fails.
    const failed = endLapsedWindows(deps, AFTER);
    await expect(failed).rejects.toThrow(FloorNotRestoredError);
    await expect(failed).rejects.toThrow(
      new RegExp(
        `manga-recs window wg-manga-recs-1: 3 endings ended .*${attempt(4)} is the next.*started in this run: ${attempt(4)}`,
      ),
    );
    expect(sfn.phases.get(execution(attempt(4)))).toBe('RUNNING');
    // While it runs, later syncs wait for it (and keep alarming), starting nothing more.
    await expect(endLapsedWindows(deps, AFTER)).rejects.toThrow(/3 endings ended/);
    expect(sfn.inputs.size).toBe(4);
  });

  it('waits for an ending that is being redriven, and names endings within 80 characters', async () => {
    const { sfn, deps } = await raisedAndAbandoned();
    sfn.phases.set(
      execution(endingName({ holdId: 'wg-manga-recs-1' }, { owner: RAISED_BY })),
      'PENDING_REDRIVE',
    );
    expect(await endLapsedWindows(deps, AFTER)).toMatchObject({
      ending: [],
      inProgress: [expect.any(String)],
    });
    const longest = endingName({ holdId: 'w'.repeat(64) }, { owner: RAISED_BY }, 999);
    expect(longest.length).toBeLessThanOrEqual(80);
    // Two windows whose ids differ only past the cut still get their own endings.
    expect(endingName({ holdId: `${'w'.repeat(60)}aaaa` }, { owner: RAISED_BY })).not.toBe(
      endingName({ holdId: `${'w'.repeat(60)}bbbb` }, { owner: RAISED_BY }),
    );
  });

  it('answers a throttled look with the retryable error, after ending the other windows, and a rerun starts nothing twice', async () => {
    const { holds, sfn, deps } = await raisedAndAbandoned();
    const other = await otherAbandonedWindow(holds, sfn);
    const phase = sfn.executions.phase;
    let throttled = true;
    sfn.executions.phase = async (arn) => {
      if (throttled && arn.includes('end-wg-manga-recs-1'))
        throw new ThrottledError('DescribeExecution: Rate exceeded');
      return phase(arn);
    };
    await expect(endLapsedWindows(deps, AFTER)).rejects.toThrow(ThrottledError);
    throttled = false;
    const rerun = await endLapsedWindows(deps, AFTER);
    expect(rerun.ending).toEqual([endingName({ holdId: 'wg-manga-recs-1' }, { owner: RAISED_BY })]);
    expect(rerun.inProgress).toEqual([endingName({ holdId: 'wg-other-1' }, { owner: other })]);
    expect(sfn.inputs.size).toBe(2);
  });

  it('still ends every other lapsed window when one cannot be, then fails naming that one', async () => {
    const { holds, sfn, deps } = await raisedAndAbandoned();
    const other = await otherAbandonedWindow(holds, sfn);
    const phase = sfn.executions.phase;
    // Describing the first window's ending is refused (a permissions slip, say).
    sfn.executions.phase = async (arn) => {
      if (arn.includes('end-wg-manga-recs-1')) throw new Error('AccessDeniedException');
      return phase(arn);
    };
    await expect(endLapsedWindows(deps, AFTER)).rejects.toThrow(
      /1 lapsed window.*manga-recs window wg-manga-recs-1: AccessDenied/,
    );
    expect([...sfn.inputs.keys()]).toEqual([endingName({ holdId: 'wg-other-1' }, { owner: other })]);
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

  it('refuses an ending that names no ending, an execution that is not an ARN, or the rollout hold, naming the field', () => {
    expect(() => planPrewarm({ ...WINDOW, endsExecution: RAISED_BY })).toThrow(/endsExecution/);
    expect(() => planPrewarm({ ...WINDOW, end: true, endsExecution: 'scheduled-run' })).toThrow(
      /endsExecution: must be a Step Functions execution ARN/,
    );
    expect(() => planPrewarm({ ...WINDOW, windowId: 'rollout-floor' })).toThrow(/windowId: .*rollout/);
  });
});
