import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ServiceError, ThrottledError, TransientError } from '../../../core/errors.js';
import { S3Objects, s3Location } from '../../../functions/adapters/s3-objects.js';
import { type MotoS3, startMotoS3 } from '../support/moto-s3.js';

interface S3Fault {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}
const SLOW_DOWN: S3Fault = { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' };
const REQUEST_TIMEOUT: S3Fault = {
  status: 400,
  code: 'RequestTimeout',
  message: 'Your socket connection to the server was not read from or written to within the timeout period.',
};

/**
 * S3's own error answers in front of moto: answers the next `count` requests with a fault (503
 * SlowDown, 400 RequestTimeout) and passes every other request through unchanged (moto cannot be
 * told to produce either).
 */
async function startFaultProxy(target: string) {
  let failing = 0;
  let fault = SLOW_DOWN;
  let seen = 0;
  const server: Server = createServer((req, res) => {
    seen += 1;
    if (failing > 0) {
      failing -= 1;
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/xml' });
      res.end(`<Error><Code>${fault.code}</Code><Message>${fault.message}</Message></Error>`);
      return;
    }
    const upstream = new URL(target);
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failNext: (count: number, with_: S3Fault = SLOW_DOWN) => {
      failing = count;
      fault = with_;
    },
    requests: () => seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('S3Objects', () => {
  let s3: MotoS3;
  let lenient: MotoS3;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  const objects = (overrides: Partial<ConstructorParameters<typeof S3Objects>[0]> = {}) =>
    new S3Objects({
      region: s3.region,
      credentials: async () => s3.credentials,
      endpoint: s3.url,
      ...overrides,
    });

  beforeAll(async () => {
    s3 = await startMotoS3({ region: 'eu-west-1', buckets: ['calendars'] });
    proxy = await startFaultProxy(s3.url);
    lenient = await startMotoS3({ region: 'eu-west-1', buckets: ['calendars'], verifySignatures: false });
  }, 60_000);
  afterAll(async () => {
    await lenient?.close();
    await proxy?.close();
    await s3?.close();
  });

  it('reads back what it wrote, signed as moto verifies, under a key with spaces and folders', async () => {
    const at = s3Location('s3://calendars/plans/summer 2025/plan.json', 'planUrl');
    await objects().putText(at, '{"ok":"✓"}', 'application/json');
    expect(await objects().getText(at)).toBe('{"ok":"✓"}');
  });

  it('names the same object S3 does under a key with accents and reserved characters', async () => {
    // On the moto that checks no signature: moto refuses any signature, the AWS CLI's too, for
    // such keys (see MotoS3Options.verifySignatures). What is checked is the encoding of the key.
    const at = s3Location('s3://calendars/plans/été 2025/(draft)+plan!.json', 'planUrl');
    const client = objects({ endpoint: lenient.url, credentials: async () => lenient.credentials });
    await client.putText(at, '{"ok":"✓"}', 'application/json');
    expect(await client.getText(at)).toBe('{"ok":"✓"}');
    const listed = JSON.parse(await lenient.aws('s3api', 'list-objects-v2', '--bucket', 'calendars')) as {
      Contents: Array<{ Key: string }>;
    };
    expect(listed.Contents.map((object) => object.Key)).toContain('plans/été 2025/(draft)+plan!.json');
  });

  it('writes an object the AWS CLI reads back byte for byte, with its content type', async () => {
    const at = s3Location('s3://calendars/warmgate/release-plan.json', 'planUrl');
    await objects().putText(at, '{"version":1,"title":"ワンピース"}', 'application/json');
    const dir = mkdtempSync(join(tmpdir(), 'warmgate-s3-cli-'));
    try {
      const head = JSON.parse(
        await s3.aws('s3api', 'get-object', '--bucket', at.bucket, '--key', at.key, join(dir, 'plan.json')),
      ) as { ContentType?: string };
      expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe('{"version":1,"title":"ワンピース"}');
      expect(head.ContentType).toBe('application/json');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with NotFoundError naming the object when there is none', async () => {
    const missing = objects().getText(s3Location('s3://calendars/missing.yaml', 'calendarUrl'));
    await expect(missing).rejects.toBeInstanceOf(NotFoundError);
    await expect(missing).rejects.toThrow('S3 GetObject s3://calendars/missing.yaml');
  });

  it('is refused by S3, and does not retry, when signed with the wrong secret', async () => {
    const wrong = objects({
      endpoint: proxy.url,
      credentials: async () => ({ ...s3.credentials, secretAccessKey: 'not-the-secret' }),
    });
    const before = proxy.requests();
    const read = wrong.getText(s3Location('s3://calendars/calendar.yaml', 'calendarUrl'));
    await expect(read).rejects.toBeInstanceOf(ServiceError);
    await expect(read).rejects.toThrow(/signature we calculated does not match/);
    expect(proxy.requests() - before).toBe(1);
  });

  it('retries S3 slowing it down and succeeds, and reports throttling once attempts run out', async () => {
    const at = s3Location('s3://calendars/calendar.yaml', 'calendarUrl');
    await objects().putText(at, 'version: 1', 'text/yaml');
    proxy.failNext(2);
    expect(await objects({ endpoint: proxy.url }).getText(at)).toBe('version: 1');
    proxy.failNext(3);
    await expect(objects({ endpoint: proxy.url }).getText(at)).rejects.toBeInstanceOf(ThrottledError);
  });

  it('retries the 400 RequestTimeout S3 answers a stalled upload with, and reports it as transient', async () => {
    const at = s3Location('s3://calendars/release-plan.json', 'planUrl');
    const before = proxy.requests();
    proxy.failNext(2, REQUEST_TIMEOUT);
    await objects({ endpoint: proxy.url }).putText(at, '{"windows":[]}', 'application/json');
    expect(proxy.requests() - before).toBe(3);
    expect(await objects().getText(at)).toBe('{"windows":[]}');
    proxy.failNext(3, REQUEST_TIMEOUT);
    await expect(
      objects({ endpoint: proxy.url }).putText(at, '{}', 'application/json'),
    ).rejects.toBeInstanceOf(TransientError);
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
