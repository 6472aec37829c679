import { describe, expect, it } from 'vitest';
import { capacityVerdict, describeShortfall } from '../../../core/capacity-verdict.js';
import type { EndpointState, VariantState } from '../../../core/endpoint-state.js';
import type { EndpointConfigName, EndpointName, VariantName } from '../../../core/names.js';

const NEW_IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/warmgate-container:v8';
const OLD_IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/warmgate-container:v7';
const variant = 'AllTraffic' as VariantName;

function endpoint(overrides: Partial<EndpointState> = {}, v: Partial<VariantState> = {}): EndpointState {
  return {
    name: 'manga-recs' as EndpointName,
    status: 'InService',
    configName: 'manga-recs-c-new' as EndpointConfigName,
    pendingDeployment: false,
    variants: [
      {
        name: variant,
        currentInstanceCount: 2,
        desiredInstanceCount: 2,
        deployedImages: [{ specifiedImage: NEW_IMAGE, resolvedImage: `${NEW_IMAGE}@sha256:abc` }],
        ...v,
      },
    ],
    ...overrides,
  };
}

describe('capacityVerdict', () => {
  it('passes when two instances serve the requested image InService', () => {
    expect(capacityVerdict(endpoint(), { variant, image: NEW_IMAGE })).toEqual({
      kind: 'ready',
      instances: 2,
    });
  });

  it('matches the resolved digest when the request named the image by digest', () => {
    expect(capacityVerdict(endpoint(), { variant, image: `${NEW_IMAGE}@sha256:abc` }).kind).toBe('ready');
  });

  it('refuses a single instance even when SageMaker desires only one', () => {
    const verdict = capacityVerdict(endpoint({}, { currentInstanceCount: 1, desiredInstanceCount: 1 }), {
      variant,
      image: NEW_IMAGE,
    });
    expect(verdict).toEqual({
      kind: 'not-ready',
      shortfalls: [{ code: 'too-few-instances', current: 1, required: 2 }],
    });
  });

  it('waits for the desired count when autoscaling asked for more than are serving', () => {
    const verdict = capacityVerdict(endpoint({}, { currentInstanceCount: 3, desiredInstanceCount: 4 }), {
      variant,
      image: NEW_IMAGE,
    });
    expect(verdict.kind).toBe('not-ready');
  });

  it('waits for a pre-warm target above the desired count', () => {
    const verdict = capacityVerdict(endpoint(), { variant, minInstances: 5 });
    expect(verdict).toEqual({
      kind: 'not-ready',
      shortfalls: [{ code: 'too-few-instances', current: 2, required: 5 }],
    });
  });

  it('is not ready while a deployment is pending even when InService', () => {
    const verdict = capacityVerdict(endpoint({ pendingDeployment: true }), { variant, image: NEW_IMAGE });
    expect(verdict).toEqual({ kind: 'not-ready', shortfalls: [{ code: 'pending-deployment' }] });
  });

  it('says SageMaker rolled back when the endpoint settles InService on the old image', () => {
    const verdict = capacityVerdict(
      endpoint(
        { failureReason: 'ping health check failed' },
        { deployedImages: [{ specifiedImage: OLD_IMAGE }] },
      ),
      { variant, image: NEW_IMAGE },
    );
    expect(verdict.kind).toBe('rolled-back');
    expect(verdict.kind === 'rolled-back' && verdict.reason).toMatch(
      /rolled the update back.*v7.*not.*v8.*ping/,
    );
  });

  it('says rolled back when a different config is live after the update settled', () => {
    const verdict = capacityVerdict(endpoint({ configName: 'manga-recs-c-old' as EndpointConfigName }), {
      variant,
      image: NEW_IMAGE,
      configName: 'manga-recs-c-new' as EndpointConfigName,
    });
    expect(verdict.kind).toBe('rolled-back');
  });

  it('keeps waiting rather than calling a rollback while the update is still running', () => {
    const verdict = capacityVerdict(
      endpoint({ status: 'Updating' }, { deployedImages: [{ specifiedImage: OLD_IMAGE }] }),
      { variant, image: NEW_IMAGE },
    );
    expect(verdict).toEqual({
      kind: 'not-ready',
      shortfalls: [
        { code: 'not-in-service', status: 'Updating' },
        { code: 'image-not-deployed', image: NEW_IMAGE },
      ],
    });
  });

  it('fails with SageMaker’s reason when the endpoint failed', () => {
    expect(capacityVerdict(endpoint({ status: 'Failed', failureReason: 'boom' }), { variant })).toEqual({
      kind: 'failed',
      reason: 'boom',
    });
  });

  it('waits when the variant or its images are not reported yet', () => {
    const noImages = capacityVerdict(endpoint({}, { deployedImages: [] }), { variant, image: NEW_IMAGE });
    expect(noImages).toEqual({ kind: 'not-ready', shortfalls: [{ code: 'image-unreported' }] });
    const other = capacityVerdict(endpoint(), { variant: 'Canary' as VariantName });
    expect(other.kind === 'not-ready' && other.shortfalls.map(describeShortfall)).toEqual([
      'variant Canary does not exist',
    ]);
  });
});
