import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.js';
import { parseRolloutRequest } from '../../../core/rollout-request.js';

const ECR = '123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/warmgate-container:v7';
const valid = { endpoint: 'manga-recs', image: ECR, modelDataUrl: 's3://manga-models/recs/v7/model.tar.gz' };

function refusedFields(input: unknown, mode: 'aws' | 'local' = 'aws'): string[] {
  try {
    parseRolloutRequest(input, { mode });
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((issue) => issue.field);
    throw error;
  }
  return [];
}

describe('parseRolloutRequest', () => {
  it('fills SageMaker defaults when only endpoint, image and model data are given', () => {
    const request = parseRolloutRequest(valid, { mode: 'aws' });
    expect(request).toMatchObject({
      endpoint: 'manga-recs',
      variant: 'AllTraffic',
      instanceType: 'ml.m5.large',
      instanceCount: 2,
      minCapacity: 2,
      maxCapacity: 4,
      startupTimeoutSeconds: 600,
      strategy: { type: 'all-at-once', waitIntervalSeconds: 60, terminationWaitSeconds: 0 },
    });
  });

  it('expands the CLI strategy shorthand into SageMaker settings when given a bare name', () => {
    const request = parseRolloutRequest({ ...valid, instanceCount: 4, strategy: 'canary' }, { mode: 'aws' });
    expect(request.strategy).toEqual({
      type: 'canary',
      canarySize: { type: 'INSTANCE_COUNT', value: 1 },
      waitIntervalSeconds: 60,
      terminationWaitSeconds: 0,
    });
  });

  it('lists every bad field at once when several are wrong', () => {
    const fields = refusedFields({
      endpoint: 'manga_recs',
      variant: '-x',
      image: 'docker.io/library/nginx',
      modelDataUrl: 'https://example.com/model.tar.gz',
      instanceType: 'ml.m5.larg',
      instanceCount: 1,
      minCapacity: 1,
      startupTimeoutSeconds: 30,
      modelDataDownloadTimeoutSeconds: 4000,
      smoke: { latencyBudgetMs: 0 },
    });
    expect(fields).toEqual(
      expect.arrayContaining([
        'endpoint',
        'variant',
        'image',
        'modelDataUrl',
        'instanceType',
        'instanceCount',
        'minCapacity',
        'startupTimeoutSeconds',
        'modelDataDownloadTimeoutSeconds',
        'smoke.latencyBudgetMs',
      ]),
    );
  });

  it('names the unknown instance type in the message when it is not a hosting type', () => {
    expect(() => parseRolloutRequest({ ...valid, instanceType: 'm5.large' }, { mode: 'aws' })).toThrow(
      /instanceType: unknown instance type "m5.large"/,
    );
  });

  it('accepts file:// model data and the short local image only when mode is local', () => {
    const local = {
      endpoint: 'manga-recs',
      image: 'warmgate-container:dev',
      modelDataUrl: 'file:///tmp/model',
    };
    expect(parseRolloutRequest(local, { mode: 'local' }).image).toBe('warmgate-container:dev');
    expect(refusedFields(local, 'aws')).toEqual(['image', 'modelDataUrl']);
  });

  it('accepts ECR images by tag or by digest and refuses other registries when mode is aws', () => {
    const digest = `${ECR.split(':')[0]}@sha256:${'a'.repeat(64)}`;
    expect(refusedFields({ ...valid, image: digest })).toEqual([]);
    expect(refusedFields({ ...valid, image: 'ghcr.io/acme/warmgate-container:1' })).toEqual(['image']);
    expect(refusedFields({ ...valid, image: 'ghcr.io/acme/warmgate-container:1' }, 'local')).toEqual([]);
    expect(refusedFields({ ...valid, image: 'nginx:latest' }, 'local')).toEqual(['image']);
  });

  it('refuses a max below the floor and an instance count outside [min, max]', () => {
    expect(refusedFields({ ...valid, minCapacity: 4, maxCapacity: 3, instanceCount: 4 })).toEqual([
      'maxCapacity',
      'instanceCount',
    ]);
    expect(refusedFields({ ...valid, minCapacity: 3, instanceCount: 2 })).toEqual(['instanceCount']);
  });

  it('holds canary and linear steps to SageMaker’s ranges for the fleet size', () => {
    const canary = (value: number) => ({
      ...valid,
      instanceCount: 4,
      strategy: { type: 'canary', canarySize: { type: 'INSTANCE_COUNT', value } },
    });
    expect(refusedFields(canary(2))).toEqual([]);
    expect(refusedFields(canary(3))).toEqual(['strategy.canarySize.value']);
    const linear = (value: number) => ({
      ...valid,
      instanceCount: 10,
      maxCapacity: 10,
      strategy: { type: 'linear', linearStepSize: { type: 'CAPACITY_PERCENT', value } },
    });
    expect(refusedFields(linear(10))).toEqual([]);
    expect(refusedFields(linear(9))).toEqual(['strategy.linearStepSize.value']);
    expect(refusedFields(linear(51))).toEqual(['strategy.linearStepSize.value']);
  });

  it('refuses wait and timeout settings outside SageMaker’s ranges', () => {
    const fields = refusedFields({
      ...valid,
      strategy: {
        type: 'all-at-once',
        waitIntervalSeconds: 3601,
        terminationWaitSeconds: -1,
        maximumExecutionTimeoutSeconds: 599,
      },
    });
    expect(fields).toEqual([
      'strategy.waitIntervalSeconds',
      'strategy.terminationWaitSeconds',
      'strategy.maximumExecutionTimeoutSeconds',
    ]);
    expect(refusedFields({ ...valid, strategy: 'blue-green' })).toEqual(['strategy.type']);
  });

  it('refuses a misspelt setting instead of ignoring it', () => {
    expect(refusedFields({ ...valid, instanceCnt: 3 })).toEqual(['instanceCnt']);
  });

  it('refuses every instance count below 2 naming instanceCount', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 1 }), (instanceCount) => {
        expect(refusedFields({ ...valid, instanceCount })).toContain('instanceCount');
      }),
    );
  });

  it('accepts every startup timeout SageMaker accepts and nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), (seconds) => {
        const ok = refusedFields({ ...valid, startupTimeoutSeconds: seconds }).length === 0;
        expect(ok).toBe(seconds >= 60 && seconds <= 3600);
      }),
    );
  });
});
