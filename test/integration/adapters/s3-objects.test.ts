import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ServiceError, ThrottledError, TransientError } from '../../../core/errors.js';
import { S3Objects, s3Location } from '../../../functions/adapters/s3-objects.js';
import { type S3Server, startS3Server } from '../support/s3-server.js';

const CREDENTIALS = {
  accessKeyId: 'AKIDWARMGATE',
  secretAccessKey: 'warmgate-secret',
  sessionToken: 'warmgate-session-token',
};

describe('S3Objects', () => {
  let s3: S3Server;
  const objects = (overrides: Partial<ConstructorParameters<typeof S3Objects>[0]> = {}) =>
    new S3Objects({
      region: 'eu-west-1',
      credentials: async () => CREDENTIALS,
      endpoint: s3.url,
      ...overrides,
    });

  beforeAll(async () => {
    s3 = await startS3Server({ region: 'eu-west-1', ...CREDENTIALS });
  });
  afterAll(async () => {
    await s3?.close();
  });

  it('reads back what it wrote, under a key with spaces, accents and reserved characters', async () => {
    const at = s3Location('s3://calendars/plans/été 2025/(draft)+plan!.json', 'planUrl');
    await objects().putText(at, '{"ok":"✓"}', 'application/json');
    expect(await objects().getText(at)).toBe('{"ok":"✓"}');
    expect(s3.objects.get('calendars/plans/été 2025/(draft)+plan!.json')).toEqual({
      body: '{"ok":"✓"}',
      contentType: 'application/json',
    });
  });

  it('fails with NotFoundError naming the object when there is none', async () => {
    const missing = objects().getText(s3Location('s3://calendars/missing.yaml', 'calendarUrl'));
    await expect(missing).rejects.toBeInstanceOf(NotFoundError);
    await expect(missing).rejects.toThrow('S3 GetObject s3://calendars/missing.yaml');
  });

  it('is refused, and does not retry, when signed with the wrong secret', async () => {
    const before = s3.requests.length;
    const wrong = objects({ credentials: async () => ({ ...CREDENTIALS, secretAccessKey: 'other' }) });
    const read = wrong.getText(s3Location('s3://calendars/calendar.yaml', 'calendarUrl'));
    await expect(read).rejects.toBeInstanceOf(ServiceError);
    await expect(read).rejects.toThrow(/signature we calculated does not match/);
    expect(s3.requests.length - before).toBe(1);
  });

  it('retries S3 slowing it down and succeeds, and reports throttling once attempts run out', async () => {
    const at = s3Location('s3://calendars/calendar.yaml', 'calendarUrl');
    s3.objects.set('calendars/calendar.yaml', { body: 'version: 1', contentType: 'text/yaml' });
    s3.failNext(2, 503, 'SlowDown');
    expect(await objects().getText(at)).toBe('version: 1');
    s3.failNext(3, 503, 'SlowDown');
    await expect(objects().getText(at)).rejects.toBeInstanceOf(ThrottledError);
  });

  it('reports an unreachable S3 as transient', async () => {
    const down = objects({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    await expect(
      down.getText(s3Location('s3://calendars/calendar.yaml', 'calendarUrl')),
    ).rejects.toBeInstanceOf(TransientError);
  });

  it('refuses a URL that is not s3://BUCKET/KEY, naming the field', () => {
    expect(() => s3Location('https://calendars/calendar.yaml', 'calendarUrl')).toThrow(/calendarUrl/);
    expect(() => s3Location('s3://calendars', 'calendarUrl')).toThrow(/is not s3:\/\/BUCKET\/KEY/);
  });
});
