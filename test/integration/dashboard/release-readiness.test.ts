import { describe, expect, it } from 'vitest';
import type { Floor } from '../../../core/floor.js';
import type { EndpointName } from '../../../core/names.js';
import type { PrescaleAction } from '../../../core/prescale-planner.js';
import type { EndpointSummary } from '../../../functions/dashboard-api/api-contract.js';
import { releaseReadiness } from '../../../functions/dashboard-api/planned-releases.js';

const MIN = 60_000;
const release = Date.parse('2026-06-01T00:00:00Z');

const action: PrescaleAction = {
  endpoint: 'manga-recs' as EndpointName,
  releases: ['one-piece-20260601T0900'],
  releaseAtMs: release,
  raiseAtMs: release - 30 * MIN,
  restoreAtMs: release + 120 * MIN,
  minCapacity: 6 as Floor,
  baseFloor: 2 as Floor,
  leadSeconds: 1800,
  capped: false,
  late: false,
  timezone: 'Asia/Tokyo',
  localReleaseTime: '2026-06-01T09:00:00',
};

function endpointWith(warm: number): EndpointSummary {
  return {
    name: 'manga-recs',
    status: 'InService',
    failureReason: null,
    configName: 'c1',
    pendingConfigName: null,
    variants: [
      {
        name: 'AllTraffic',
        instanceType: 'ml.m5.large',
        currentInstances: warm,
        desiredInstances: warm,
        warmInstances: warm,
        warmingInstances: 0,
        warmSource: 'instance-probe',
        floor: 2,
        max: 8,
        image: 'warmgate-container:latest',
        readiness: { kind: 'ready', detail: `${warm} of ${warm} warm` },
      },
    ],
  };
}

describe('releaseReadiness', () => {
  it('is scheduled before the raise when a prewarm machine will raise the floor', () => {
    expect(releaseReadiness(action, endpointWith(2), release - 90 * MIN, true)).toEqual({
      kind: 'scheduled',
      detail: 'floor 2 → 6 in 60 min',
    });
  });

  it('is at risk before the raise when nothing is deployed to raise the floor', () => {
    expect(releaseReadiness(action, endpointWith(2), release - 90 * MIN, false).kind).toBe('at-risk');
  });

  it('is at risk when the forecast needs more than the endpoint may have', () => {
    const verdict = releaseReadiness({ ...action, capped: true }, endpointWith(2), release - 90 * MIN, true);
    expect(verdict).toMatchObject({ kind: 'at-risk', detail: expect.stringContaining('more than 6') });
  });

  it('is raising between the raise and the release while instances are still short', () => {
    expect(releaseReadiness(action, endpointWith(4), release - 10 * MIN, true)).toEqual({
      kind: 'raising',
      detail: '4 of 6 warm, release in 10 min',
    });
  });

  it('is ready once the raised floor is warm, and at risk when the drop finds it short', () => {
    expect(releaseReadiness(action, endpointWith(6), release - 5 * MIN, true).kind).toBe('ready');
    expect(releaseReadiness(action, endpointWith(3), release + 5 * MIN, true)).toEqual({
      kind: 'at-risk',
      detail: 'released with 3 of 6 warm',
    });
  });

  it('names an endpoint the calendar plans for but that does not exist', () => {
    expect(releaseReadiness(action, undefined, release - 90 * MIN, true).kind).toBe('no-endpoint');
  });
});
