import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSageMakerName, parseEndpointName } from '../../../core/names.js';
import { contentHash, fnv1a64, modelName, rolloutResources } from '../../../core/resource-names.js';
import { parseRolloutRequest } from '../../../core/rollout-request.js';

const request = parseRolloutRequest(
  {
    endpoint: 'manga-recs',
    image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/warmgate-container:v7',
    modelDataUrl: 's3://manga-models/recs/v7/model.tar.gz',
  },
  { mode: 'aws' },
);

describe('fnv1a64', () => {
  it('matches the published FNV-1a 64 test vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });
});

describe('rolloutResources', () => {
  it('gives the same names when the same request is planned again', () => {
    const first = rolloutResources(request, { liveDesiredCount: 3 });
    const retry = rolloutResources({ ...request }, { liveDesiredCount: 3 });
    expect(retry.model.name).toBe(first.model.name);
    expect(retry.endpointConfig.name).toBe(first.endpointConfig.name);
    expect(first.model.name).toMatch(/^manga-recs-m-[0-9a-f]{16}$/);
    expect(first.endpointConfig.name).toMatch(/^manga-recs-c-[0-9a-f]{16}$/);
  });

  it('gives a new config name but the same model name when only the instance type changes', () => {
    const base = rolloutResources(request);
    const bigger = rolloutResources({ ...request, instanceType: 'ml.c5.xlarge' });
    expect(bigger.model.name).toBe(base.model.name);
    expect(bigger.endpointConfig.name).not.toBe(base.endpointConfig.name);
  });

  it('gives new names when the image changes', () => {
    const next = rolloutResources({ ...request, image: `${request.image}-2` as typeof request.image });
    expect(next.model.name).not.toBe(rolloutResources(request).model.name);
    expect(next.endpointConfig.name).not.toBe(rolloutResources(request).endpointConfig.name);
  });

  it('never starts the new fleet below the live desired count when autoscaling has scaled out', () => {
    expect(rolloutResources(request, { liveDesiredCount: 6 }).endpointConfig.initialInstanceCount).toBe(6);
    expect(rolloutResources(request, { liveDesiredCount: 1 }).endpointConfig.initialInstanceCount).toBe(2);
    expect(rolloutResources(request).endpointConfig.initialInstanceCount).toBe(2);
  });

  it('produces valid SageMaker names of at most 63 characters when given any valid endpoint name', () => {
    const validName = fc
      .stringMatching(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/)
      .filter((name) => name.length <= 63);
    fc.assert(
      fc.property(validName, (name) => {
        const resources = rolloutResources({ ...request, endpoint: parseEndpointName(name) });
        expect(isSageMakerName(resources.model.name)).toBe(true);
        expect(isSageMakerName(resources.endpointConfig.name)).toBe(true);
      }),
    );
  });
});

describe('contentHash', () => {
  it('ignores key order and undefined members when hashing the same content', () => {
    expect(contentHash({ a: 1, b: [1, { c: 'x', d: undefined }] })).toBe(
      contentHash({ b: [1, { c: 'x' }], a: 1 }),
    );
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: '1' }));
  });

  it('changes the model name when the execution role or environment changes', () => {
    const endpoint = parseEndpointName('e');
    const content = { image: 'i', modelDataUrl: 'm' };
    const names = new Set([
      modelName(endpoint, content),
      modelName(endpoint, { ...content, executionRoleArn: 'arn:aws:iam::1:role/a' }),
      modelName(endpoint, { ...content, environment: { WARMUP: 'on' } }),
    ]);
    expect(names.size).toBe(3);
  });
});
