import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small S3 on 127.0.0.1 for what warmgate's Lambdas do with S3: path-style GetObject and
 * PutObject of small objects. The local region has no S3, so this stands in for it in tests.
 *
 * It checks every request's SigV4 signature as S3 does, written here from the AWS specification
 * (not with the SDK's signer, which the code under test uses): a request signed for the wrong
 * secret, region or service, or whose path, headers or body differ from what was signed, gets
 * S3's 403 SignatureDoesNotMatch. Missing objects get 404 NoSuchKey, with S3's XML error bodies.
 */
export interface S3Server {
  /** `http://127.0.0.1:PORT`, for AWS_ENDPOINT_URL_S3 or the adapter's `endpoint`. */
  readonly url: string;
  /** Object bodies by `bucket/key`. */
  readonly objects: Map<string, { body: string; contentType: string | undefined }>;
  /** Every request received: method, bucket/key and status answered. */
  readonly requests: Array<{ method: string; object: string; status: number }>;
  /** Answers the next `count` requests with this S3 error instead of serving them. */
  failNext(count: number, status: number, code: string): void;
  close(): Promise<void>;
}

export interface S3ServerOptions {
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export async function startS3Server(options: S3ServerOptions): Promise<S3Server> {
  const objects = new Map<string, { body: string; contentType: string | undefined }>();
  const requests: S3Server['requests'] = [];
  let failures: { count: number; status: number; code: string } = { count: 0, status: 0, code: '' };

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    const object = decodeURIComponent(rawPath.slice(1));
    const answer = (status: number, code?: string, message?: string, payload = '') => {
      requests.push({ method: req.method ?? '', object, status });
      if (code) {
        res.writeHead(status, { 'content-type': 'application/xml' });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
        );
      } else {
        res.writeHead(status, { 'content-type': 'application/octet-stream' });
        res.end(payload);
      }
    };
    const problem = signatureProblem(req, rawPath, body, options);
    if (problem) return answer(403, 'SignatureDoesNotMatch', problem);
    if (failures.count > 0) {
      failures.count -= 1;
      return answer(failures.status, failures.code, `injected ${failures.code}`);
    }
    if (req.method === 'PUT') {
      objects.set(object, { body, contentType: req.headers['content-type'] });
      return answer(200);
    }
    if (req.method === 'GET') {
      const stored = objects.get(object);
      if (!stored) return answer(404, 'NoSuchKey', 'The specified key does not exist.');
      return answer(200, undefined, undefined, stored.body);
    }
    return answer(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    requests,
    failNext(count, status, code) {
      failures = { count, status, code };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** Why S3 would refuse this request's signature, or undefined when it verifies. */
function signatureProblem(
  req: IncomingMessage,
  rawPath: string,
  body: string,
  options: S3ServerOptions,
): string | undefined {
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      req.headers.authorization ?? '',
    );
  if (!auth) return 'no SigV4 Authorization header';
  const [, accessKeyId, date, region, service, signedHeaders = '', signature] = auth;
  if (accessKeyId !== options.accessKeyId) return 'unknown access key';
  if (region !== options.region || service !== 's3') return `signed for ${region}/${service}`;
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(date ?? '-')) return 'x-amz-date does not match the credential scope';
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
  if (payloadHash !== sha256Hex(body)) return 'x-amz-content-sha256 does not match the body';
  if (options.sessionToken && req.headers['x-amz-security-token'] !== options.sessionToken)
    return 'missing or wrong session token';
  const names = signedHeaders.split(';');
  for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256'])
    if (!names.includes(required)) return `${required} is not signed`;
  if (options.sessionToken && !names.includes('x-amz-security-token'))
    return 'the session token is not signed';
  const canonicalHeaders = names
    .map(
      (name) =>
        `${name}:${String(req.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  // S3's canonical URI is the path as sent (each segment URI-encoded once); the query is empty.
  const canonicalRequest = [req.method, rawPath, '', canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${options.secretAccessKey}`, date ?? '');
  for (const part of [region ?? '', 's3', 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return expected === signature
    ? undefined
    : 'The request signature we calculated does not match the signature you provided.';
}
