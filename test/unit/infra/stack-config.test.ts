import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readStackConfig } from '../../../infra/stack-config.js';

const configOf = (context: Record<string, unknown>) => readStackConfig(new App({ context }).node);

describe('readStackConfig', () => {
  it('scopes to manga- endpoints and the warmgate-container repository when no context is given', () => {
    expect(configOf({})).toEqual({
      endpointPrefix: 'manga-',
      imageRepositories: ['warmgate-container'],
      rollbackAlarms: [],
      logRetentionDays: 30,
      calendarKey: 'calendar.yaml',
    });
  });

  it('reads comma lists and numbers as the CDK CLI passes them, as strings', () => {
    const config = configOf({
      'warmgate:endpointPrefix': 'recs-',
      'warmgate:modelBucketName': 'my-models',
      'warmgate:imageRepositories': 'team/recs, team/rank',
      'warmgate:rollbackAlarms': 'p99-latency,5xx',
      'warmgate:logRetentionDays': '90',
      'warmgate:calendarKey': 'releases/one-piece.ics',
      'warmgate:ciRepository': 'acme/recs-models',
    });
    expect(config).toEqual({
      endpointPrefix: 'recs-',
      modelBucketName: 'my-models',
      imageRepositories: ['team/recs', 'team/rank'],
      rollbackAlarms: ['p99-latency', '5xx'],
      logRetentionDays: 90,
      calendarKey: 'releases/one-piece.ics',
      ci: { repository: 'acme/recs-models', environment: 'production' },
    });
  });

  it('refuses an upper-case prefix, which would match no SageMaker ARN, naming the key', () => {
    expect(() => configOf({ 'warmgate:endpointPrefix': 'Manga-' })).toThrow(/warmgate:endpointPrefix/);
  });

  it('refuses an empty prefix, which would grant every endpoint in the account', () => {
    expect(() => configOf({ 'warmgate:endpointPrefix': '' })).toThrow(/warmgate:endpointPrefix/);
  });

  it('refuses a calendar or warmup key under warmgate/, where calendar-sync writes its plan', () => {
    expect(() => configOf({ 'warmgate:calendarKey': 'warmgate/release-plan.json' })).toThrow(
      /warmgate:calendarKey: must not be under warmgate\//,
    );
    expect(() => configOf({ 'warmgate:warmupKey': 'warmgate/warmup.json' })).toThrow(/warmgate:warmupKey/);
  });

  it('refuses a calendar key in a format calendar-sync cannot read', () => {
    expect(() => configOf({ 'warmgate:calendarKey': 'calendar.txt' })).toThrow(/warmgate:calendarKey/);
  });

  it('refuses a log retention CloudWatch Logs does not offer', () => {
    expect(() => configOf({ 'warmgate:logRetentionDays': '45' })).toThrow(/warmgate:logRetentionDays/);
  });
});
