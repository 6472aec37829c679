import type { IncomingMessage, ServerResponse } from 'node:http';
import { ValidationError } from '../core/errors.js';

/** SageMaker's InvokeEndpoint payload limit is 6 MB; other APIs are far smaller. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/**
 * Reads a request body into memory.
 *
 * @throws ValidationError when the body exceeds `limit` bytes (the rest is discarded).
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        reject(ValidationError.field('body', `must be at most ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/**
 * JSON as AWS JSON protocols write it: `Date` becomes epoch seconds (a number with milliseconds
 * as the fraction), and `undefined` members are left out.
 */
export function toAwsJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, converted) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : converted;
  });
}

/** Writes a complete response, with `Content-Length` so keep-alive clients reuse the socket. */
export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Readonly<Record<string, string>>,
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, 'Content-Length': String(payload.length) });
  res.end(payload);
}
