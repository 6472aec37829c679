import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../core/errors.js';
import { planRollout, readPlan } from '../../../../core/rollout/rollout-plan.js';

const base = {
  endpoint: 'manga-recs',
  image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/warmgate-container:1',
  modelDataUrl: 's3://models-bucket/manga/model.tar.gz',
};
const started = {
  executionId: 'arn:aws:states:us-east-1:123456789012:execution:warmgate-rollout:e1',
  startedAt: '2026-11-28T00:00:00Z',
};

describe('planRollout', () => {
  it.each([
    ['defaults', {}],
    ['canary', { strategy: 'canary' }],
    [
      'linear',
      {
        strategy: { type: 'linear', linearStepSize: { type: 'CAPACITY_PERCENT', value: 25 } },
        instanceCount: 4,
      },
    ],
    ['explicit all-at-once', { strategy: { type: 'all-at-once', waitIntervalSeconds: 0 } }],
  ])('produces a plan that later steps read back unchanged when the strategy is %s', (_name, extra) => {
    const plan = planRollout({ request: { ...base, ...extra }, ...started }, 'aws');
    // Every later step re-reads the plan from execution state; a plan that fails its own schema
    // would fail the rollout after the endpoint had already changed.
    expect(readPlan(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
  });

  it('names the field under request when the request is refused', () => {
    try {
      planRollout({ request: { ...base, minCapacity: 1 }, ...started }, 'aws');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.field)).toContain('request.minCapacity');
    }
  });

  it('carries container environment variables and names a bad variable name when refused', () => {
    const plan = planRollout(
      { request: { ...base, environment: { WARMGATE_GATE: 'off' } }, ...started },
      'aws',
    );
    expect(plan.request.environment).toEqual({ WARMGATE_GATE: 'off' });
    expect(() =>
      planRollout({ request: { ...base, environment: { 'bad-name': 'x' } }, ...started }, 'aws'),
    ).toThrow(/request\.environment\.bad-name/);
  });

  it('refuses a strategy whose worst case would outlive the state machine execution', () => {
    const slow = {
      ...base,
      instanceCount: 10,
      maxCapacity: 10,
      strategy: {
        type: 'linear',
        linearStepSize: { type: 'CAPACITY_PERCENT', value: 10 },
        waitIntervalSeconds: 3600,
      },
    };
    expect(() => planRollout({ request: slow, ...started }, 'aws')).toThrow(/request\.strategy: .*at most/);
  });

  it('sets the deadline from the request budget when the rollout starts', () => {
    const plan = planRollout({ request: base, ...started }, 'aws');
    expect(Date.parse(plan.deadline)).toBeGreaterThan(Date.parse(started.startedAt));
    expect(plan.leaseSeconds).toBeGreaterThan(
      (Date.parse(plan.deadline) - Date.parse(started.startedAt)) / 1000,
    );
  });
});
