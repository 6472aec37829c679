import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../../local/faults.js';
import { wireError } from '../../../local/wire-error.js';

describe('FaultInjector', () => {
  it('throttles exactly the requested share of calls', () => {
    const faults = new FaultInjector();
    faults.throttle('DescribeEndpoint', 0.25);
    const outcomes = Array.from({ length: 8 }, () => faults.intercept('SageMaker', 'DescribeEndpoint')?.type);
    expect(outcomes.filter((t) => t === 'ThrottlingException')).toHaveLength(2);
    expect(faults.intercept('SageMaker', 'ListEndpoints')).toBeUndefined();
  });

  it('fails the next N calls with the given error, then lets calls through', () => {
    const faults = new FaultInjector();
    faults.failNext('SageMaker.CreateEndpoint', 2, wireError('ServiceUnavailable', 503, 'down'));
    expect(faults.intercept('SageMaker', 'CreateEndpoint')?.status).toBe(503);
    expect(faults.intercept('SageMaker', 'CreateEndpoint')?.status).toBe(503);
    expect(faults.intercept('SageMaker', 'CreateEndpoint')).toBeUndefined();
    expect(faults.rules()).toEqual([]);
  });

  it('matches a qualified rule only in its own service', () => {
    const faults = new FaultInjector();
    faults.failNext('StepFunctions.ListTagsForResource', 1);
    expect(faults.intercept('Scheduler', 'ListTagsForResource')).toBeUndefined();
    expect(faults.intercept('StepFunctions', 'ListTagsForResource')?.type).toBe('InternalFailure');
  });

  it('refuses a share outside 0..1 and a non-positive count', () => {
    const faults = new FaultInjector();
    expect(() => faults.throttle('X', 1.5)).toThrow(/share/);
    expect(() => faults.failNext('X', 0)).toThrow(/count/);
  });
});
