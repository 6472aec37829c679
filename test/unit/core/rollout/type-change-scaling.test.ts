import { describe, expect, it } from 'vitest';
import { EndpointBusyError, ServiceError } from '../../../../core/errors.js';
import type { EndpointConfigName } from '../../../../core/names.js';
import { deployRollout } from '../../../../core/rollout/deploy-rollout.js';
import { rollbackRollout } from '../../../../core/rollout/rollback-rollout.js';
import { Crash, deps, Host, LOCKED_AT, plan, Scaling, Store } from './rollout-fakes.js';

describe('instance-type change', () => {
  it('puts the scalable target and its scheduled actions back when the update is refused', async () => {
    const host = new Host('manga-recs-c-old');
    host.failUpdate = true;
    const scaling = new Scaling();
    await expect(deployRollout(deps(host, scaling), plan, new Date(), LOCKED_AT)).rejects.toBeInstanceOf(
      ServiceError,
    );
    expect(scaling.limits).toEqual({ minCapacity: 3, maxCapacity: 6 });
    expect(scaling.actions.map((a) => a.name)).toEqual(['wg-window']);
  });

  it('reverts before restoring scaling, and restores it only once back on the old config', async () => {
    const host = new Host('manga-recs-c-old');
    const scaling = new Scaling();
    const deployment = await deployRollout(deps(host, scaling), plan, new Date(), LOCKED_AT);
    expect(scaling.limits).toBeUndefined();

    // The new config went live but failed verification: first pass reverts, scaling stays off.
    host.state = { ...host.state, configName: deployment.configName as EndpointConfigName };
    await expect(rollbackRollout(deps(host, scaling), plan, deployment, new Date())).rejects.toBeInstanceOf(
      EndpointBusyError,
    );
    expect(host.updates.at(-1)).toBe('manga-recs-c-old');
    expect(scaling.limits).toBeUndefined();

    // SageMaker finished the revert: the retried pass restores the target and the window.
    host.state = { ...host.state, configName: 'manga-recs-c-old' as EndpointConfigName };
    await expect(rollbackRollout(deps(host, scaling), plan, deployment, new Date())).resolves.toMatchObject({
      action: 'already-on-previous',
    });
    expect(scaling.limits).toEqual({ minCapacity: 3, maxCapacity: 6 });
    expect(scaling.actions.map((a) => a.name)).toEqual(['wg-window']);
  });

  it('keeps what it removed when the step crashes right after deregistering, so the retry returns it', async () => {
    const host = new Host('manga-recs-c-old');
    const scaling = new Scaling();
    const store = new Store();
    const recover = scaling.crashAfterDeregister();
    await expect(
      deployRollout(deps(host, scaling, store), plan, new Date(), LOCKED_AT),
    ).rejects.toBeInstanceOf(Crash);
    expect(scaling.limits).toBeUndefined();

    recover();
    const retried = await deployRollout(deps(host, scaling, store), plan, new Date(), LOCKED_AT);
    expect(retried.action).toBe('updated');
    expect(retried.removedScaling).toEqual({
      variant: 'AllTraffic',
      limits: { minCapacity: 3, maxCapacity: 6 },
      scheduledActions: [{ name: 'wg-window', schedule: 'at(2026-12-01T00:00:00)', minCapacity: 4 }],
    });
  });

  it('returns what it removed when the retry finds the update already deploying', async () => {
    const host = new Host('manga-recs-c-old');
    const scaling = new Scaling();
    const store = new Store();
    const first = await deployRollout(deps(host, scaling, store), plan, new Date(), LOCKED_AT);
    // The first attempt started the update, then died before returning its record.
    host.state = {
      ...host.state,
      status: 'Updating',
      pendingConfigName: first.configName as EndpointConfigName,
    };
    const retried = await deployRollout(deps(host, scaling, store), plan, new Date(), LOCKED_AT);
    expect(retried).toMatchObject({ action: 'updated', previousConfigName: 'manga-recs-c-old' });
    expect(retried.removedScaling?.limits).toEqual({ minCapacity: 3, maxCapacity: 6 });
  });

  it('restores removed scaling in rollback even when the deploy step never returned a record', async () => {
    const host = new Host('manga-recs-c-old');
    const scaling = new Scaling();
    const store = new Store();
    host.failUpdate = true;
    scaling.crashAfterDeregister();
    await expect(
      deployRollout(deps(host, scaling, store), plan, new Date(), LOCKED_AT),
    ).rejects.toBeInstanceOf(Crash);
    const outcome = await rollbackRollout(deps(host, scaling, store), plan, undefined, new Date());
    expect(outcome).toMatchObject({
      action: 'none',
      reason: expect.stringMatching(/scaling it had removed is restored/),
    });
    expect(scaling.limits).toEqual({ minCapacity: 3, maxCapacity: 6 });
    expect(scaling.actions.map((a) => a.name)).toEqual(['wg-window']);
  });

  it('forgets saved scaling once it is put back, so a later holder cannot restore it again', async () => {
    const host = new Host('manga-recs-c-old');
    host.failUpdate = true;
    const scaling = new Scaling();
    const store = new Store();
    await expect(
      deployRollout(deps(host, scaling, store), plan, new Date(), LOCKED_AT),
    ).rejects.toBeInstanceOf(ServiceError);
    expect(scaling.limits).toEqual({ minCapacity: 3, maxCapacity: 6 });
    expect(store.saved.size).toBe(0);
  });
});
