import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { TransientError, ValidationError } from '../../core/errors.js';
import { callAws } from './aws-errors.js';

/** The credentials a request is signed with; a Lambda's come from its environment. */
export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3ObjectsOptions {
  readonly region: string;
  readonly credentials: () => Promise<S3Credentials>;
  /**
   * An S3-compatible endpoint (`AWS_ENDPOINT_URL_S3`, a test server), addressed path-style;
   * without it, the bucket's regional virtual-hosted endpoint on AWS.
   */
  readonly endpoint?: string | undefined;
  /** Per attempt; S3 answers a small GET or PUT in well under a second. */
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
}

/** An object's place: `s3://BUCKET/KEY`. */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/**
 * Reads `s3://BUCKET/KEY`.
 *
 * @throws ValidationError naming `field` when the URL is not one.
 */
export function s3Location(url: string, field: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(url);
  if (!match?.[1] || !match[2]) throw ValidationError.field(field, `${url} is not s3://BUCKET/KEY`);
  try {
    // A URL may carry the key percent-encoded (s3://bucket/my%20calendar.yaml).
    return { bucket: match[1], key: decodeURIComponent(match[2]) };
  } catch {
    return { bucket: match[1], key: match[2] };
  }
}

/**
 * GET and PUT of small text objects (a calendar, a plan) through S3's REST API, signed with the
 * SDK's own SigV4 signer and sent with fetch.
 *
 * Why not `@aws-sdk/client-s3`: it is 150 KiB of a Lambda bundle (multi-region access points,
 * express sessions, flexible checksums, SSE-C, …) for two plain calls on one bucket of the same
 * stack, where the signer is already in every bundle through the other clients. What this does
 * not do, and the stack does not need: region redirects (the bucket is in the Lambda's region),
 * buckets whose names contain dots (their virtual-hosted TLS names do not match), multipart.
 * Failures go through the same error mapping as every SDK call: NoSuchKey is NotFoundError,
 * SlowDown ThrottledError, 5xx and transport failures TransientError, retried here a few times.
 */
export class S3Objects {
  readonly #signer: SignatureV4;
  readonly #options: S3ObjectsOptions;

  constructor(options: S3ObjectsOptions) {
    this.#options = options;
    this.#signer = new SignatureV4({
      service: 's3',
      region: options.region,
      credentials: options.credentials,
      sha256: Sha256,
      // S3's canonical URI is the path as sent, encoded once, unlike other services.
      uriEscapePath: false,
      // S3 refuses SigV4 requests without x-amz-content-sha256.
      applyChecksum: true,
    });
  }

  /** The object's body as UTF-8 text. @throws NotFoundError when there is no such object. */
  async getText(location: S3Location): Promise<string> {
    return this.#send('GET', location, 'S3 GetObject');
  }

  /** Writes the object, replacing any current version. */
  async putText(location: S3Location, text: string, contentType: string): Promise<void> {
    await this.#send('PUT', location, 'S3 PutObject', { body: text, contentType });
  }

  async #send(
    method: 'GET' | 'PUT',
    location: S3Location,
    action: string,
    content?: { body: string; contentType: string },
  ): Promise<string> {
    const attempts = this.#options.maxAttempts ?? 3;
    const label = `${action} s3://${location.bucket}/${location.key}`;
    for (let attempt = 1; ; attempt++) {
      try {
        return await callAws(label, () => this.#once(method, location, label, content));
      } catch (error) {
        const retryable = (error as { retryable?: boolean }).retryable === true;
        if (!retryable || attempt >= attempts) throw error;
        // Full jitter on 100 ms, 200 ms, …: the SDK's standard retry strategy, shortened.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** (attempt - 1)));
      }
    }
  }

  async #once(
    method: 'GET' | 'PUT',
    location: S3Location,
    label: string,
    content: { body: string; contentType: string } | undefined,
  ): Promise<string> {
    const url = this.#url(location);
    const headers: Record<string, string> = { host: url.host };
    if (content) {
      headers['content-type'] = content.contentType;
      headers['content-length'] = String(Buffer.byteLength(content.body));
    }
    const signed = await this.#signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: {},
      headers,
      ...(content ? { body: content.body } : {}),
    });
    let response: Response;
    try {
      // fetch sets Host itself (from the URL, as signed) and refuses it among the headers.
      const { host: _host, ...sent } = signed.headers;
      response = await fetch(url, {
        method,
        headers: sent,
        ...(content ? { body: content.body } : {}),
        // A redirect would re-send headers signed for this host to another one.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      // No answer from S3 (refused, reset, timed out): the request may not have arrived.
      const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new TransientError(`${label}: ${(error as Error).message} (${code})`, { cause: error });
    }
    if (!response.ok) throw await serviceError(response);
    try {
      // Read here, inside the retry: a body cut off or timed out is as transient as no answer.
      return await response.text();
    } catch (error) {
      throw new TransientError(`${label}: reading the body: ${(error as Error).message}`, { cause: error });
    }
  }

  #url({ bucket, key }: S3Location): URL {
    // Each segment encoded as S3 signs it (RFC 3986): fetch then sends the path unchanged.
    const segments = key.split('/');
    if (segments.some((segment) => segment === '.' || segment === '..')) {
      // The URL standard would resolve them away, and the request would name another object.
      throw ValidationError.field('key', `${key}: S3 keys with . or .. segments are not supported`);
    }
    const path = segments.map(encodeRfc3986).join('/');
    const { endpoint, region } = this.#options;
    if (endpoint) return new URL(`${endpoint.replace(/\/$/, '')}/${bucket}/${path}`);
    if (bucket.includes('.')) {
      throw ValidationError.field('bucket', `${bucket}: bucket names with dots are not supported`);
    }
    const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    return new URL(`https://${bucket}.s3.${region}.${suffix}/${path}`);
  }
}

function encodeRfc3986(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** An S3 error answer in the shape fromAwsError reads: `<Error><Code>…</Code><Message>…</Message>`. */
async function serviceError(response: Response) {
  const body = await response.text().catch(() => '');
  const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];
  const name = field('Code') ?? (response.status === 404 ? 'NotFound' : `HTTP${response.status}`);
  return Object.assign(new Error(field('Message') ?? `${response.status} ${response.statusText}`), {
    name,
    $metadata: { httpStatusCode: response.status },
  });
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytes = (data: SourceData) =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the SDK's signer takes. */
class Sha256 {
  readonly #hash: { update(data: Buffer): unknown; digest(): Buffer };

  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }

  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}
