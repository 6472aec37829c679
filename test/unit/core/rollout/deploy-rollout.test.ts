import { describe, expect, it } from 'vitest';
import type { EndpointState } from '../../../../core/endpoint-state.js';
import type { EndpointConfigName, EndpointName } from '../../../../core/names.js';
import { deployRollout } from '../../../../core/rollout/deploy-rollout.js';
import { rollbackRollout } from '../../../../core/rollout/rollback-rollout.js';
import { deps, Host, LOCKED_AT, plan, Scaling } from './rollout-fakes.js';

const endpoint = (configName: string, status: EndpointState['status'], createdAt: string): EndpointState => ({
  name: 'manga-recs' as EndpointName,
  status,
  configName: configName as EndpointConfigName,
  variants: [],
  pendingDeployment: false,
  createdAt,
});

/** A host on which the example plan has just created its endpoint, and that first record. */
async function freshHost() {
  const host = new Host('unused');
  host.missing = true;
  const first = await deployRollout(deps(host, new Scaling()), plan, new Date(), LOCKED_AT);
  expect(first.action).toBe('created');
  host.missing = false;
  return { host, first, configName: first.configName };
}

describe('a retried create-or-update', () => {
  it('still reports the endpoint it created once that is InService, and its rollback deletes it', async () => {
    const { host, configName } = await freshHost();
    // The step died after CreateEndpoint; by the time it is retried the endpoint is InService.
    host.state = endpoint(configName, 'InService', '2026-11-28T00:00:02Z');
    const retried = await deployRollout(deps(host, new Scaling()), plan, new Date(), LOCKED_AT);
    expect(retried.action).toBe('created');
    await expect(rollbackRollout(deps(host, new Scaling()), plan, retried, new Date())).resolves.toEqual({
      action: 'deleted-new-endpoint',
      endpoint: 'manga-recs',
    });
    expect(host.deleted).toEqual(['manga-recs']);
  });

  it('reports its own new endpoint that failed as created, for the rollback to delete', async () => {
    const { host, configName } = await freshHost();
    host.state = endpoint(configName, 'Failed', '2026-11-28T00:00:02Z');
    const retried = await deployRollout(deps(host, new Scaling()), plan, new Date(), LOCKED_AT);
    expect(retried.action).toBe('created');
  });
});

describe('an identical rollout', () => {
  it('reports an endpoint that already ran this config before it took the lock as unchanged', async () => {
    const { host, configName } = await freshHost();
    host.state = endpoint(configName, 'InService', '2026-11-27T09:00:00Z');
    const repeat = await deployRollout(deps(host, new Scaling()), plan, new Date(), LOCKED_AT);
    expect(repeat.action).toBe('unchanged');
  });

  it('queued behind the lock, does not claim (or delete) the endpoint its holder created meanwhile', async () => {
    const { host, configName } = await freshHost();
    // This execution started (plan.startedAt, 00:00:00) while another held the lock; that one
    // created and verified the endpoint at 00:00:30, then released the lock at 00:00:40.
    host.state = endpoint(configName, 'InService', '2026-11-28T00:00:30Z');
    const queued = await deployRollout(deps(host, new Scaling()), plan, new Date(), '2026-11-28T00:00:40Z');
    expect(queued.action).toBe('unchanged');
    await rollbackRollout(deps(host, new Scaling()), plan, queued, new Date());
    expect(host.deleted).toEqual([]);
  });
});

describe('rolling back a created endpoint', () => {
  it('deletes nothing once the endpoint runs another config', async () => {
    const { host, first } = await freshHost();
    host.state = endpoint('manga-recs-c-someone-else', 'InService', '2026-11-28T00:00:02Z');
    const outcome = await rollbackRollout(deps(host, new Scaling()), plan, first, new Date());
    expect(outcome).toMatchObject({
      action: 'none',
      reason: expect.stringMatching(/runs manga-recs-c-someone-else/),
    });
    expect(host.deleted).toEqual([]);
  });
});
