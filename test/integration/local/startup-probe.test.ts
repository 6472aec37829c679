/**
 * A starting instance is probed often, so it takes traffic as soon as its gate opens; a serving one
 * at the steady health-check interval. The steady interval here is a minute: if the startup probe
 * used it, the first (failing) probe would leave the endpoint Creating for a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEndpointInService, type RegionFixture, startFixture } from './region-fixture.js';

describe('probing a starting instance', () => {
  let f: RegionFixture;
  beforeAll(async () => {
    f = await startFixture({ pingIntervalMs: 60_000, startupPingIntervalMs: 25 });
  });
  afterAll(async () => f?.close());

  it('puts an instance in service within moments of its /ping passing, then probes it at the steady interval', async () => {
    const started = Date.now();
    const described = await createEndpointInService(f, 'startup-probe');
    expect(described.EndpointStatus).toBe('InService');
    // Far below the one-minute steady interval: the first /ping 503 was followed by fast probes.
    expect(Date.now() - started).toBeLessThan(15_000);

    const [instance] = f.region.hosting.instances().map((i) => i.view());
    expect(instance?.pingPassed).toBe(true);
    const lastPingAt = instance?.lastPing?.at;
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Serving now, so no further probe for a minute: 500 ms later the last probe is the same one.
    expect(f.region.hosting.instances()[0]?.view().lastPing?.at).toBe(lastPingAt);
  });
});
