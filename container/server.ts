/**
 * The container's HTTP surface: SageMaker's `/ping` and `/invocations`, plus `/live` and `/status`.
 *
 * Nothing here blocks: `/ping` reads a cached flag, `/status` a snapshot, and `/invocations`
 * hands its body to the pipeline, whose inference runs in worker threads. That is what keeps
 * `/ping` within SageMaker's 2 s probe timeout while every core is busy with inference.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Invoke } from './invocation.js';
import type { Logger } from './log.js';
import type { ReadinessGate } from './readiness.js';

export interface ContainerServerOptions {
  readonly gate: ReadinessGate;
  readonly invoke: Invoke;
  readonly status: () => unknown;
  readonly maxBodyBytes: number;
  /**
   * True while the inference queue is full. Checked before the body is parsed, so that shedding
   * an excess request costs the event loop almost nothing: under 2× overload most requests are
   * shed, and parsing and validating each of them first is what delayed `/ping`.
   */
  readonly overloaded?: () => boolean;
  readonly log: Logger;
}

export interface ContainerServer {
  readonly server: Server;
  /** Requests started and not yet answered. */
  inFlight(): number;
  /**
   * Stops accepting connections, lets in-flight requests finish, then closes every socket.
   * Resolves with the number of requests abandoned at the deadline (0 when all finished).
   */
  drain(timeoutMs: number): Promise<number>;
}

const SHED_BODY = JSON.stringify({
  error: { code: 'OVERLOADED', message: 'inference queue full; retry later' },
});

function send(res: ServerResponse, status: number, body: string, contentType = 'application/json'): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

function sendEmpty(res: ServerResponse, status: number): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Length': 0, 'Cache-Control': 'no-store' });
  res.end();
}

/** How much of an oversized body is read and discarded so that the client sees its 413. */
const LINGER_BYTES = 8 * 1024 * 1024;
const LINGER_MS = 5_000;

/**
 * Answers 413. Node closes the connection as soon as a `Connection: close` response is sent, and
 * a client still uploading then gets EPIPE/ECONNRESET instead of the 413. So the rest of the body
 * is read and dropped first, within a bound; past the bound, the 413 goes out and the socket is cut.
 */
function tooLarge(req: IncomingMessage, res: ServerResponse, max: number, alreadyRead: number): void {
  let discarded = alreadyRead;
  let answered = false;
  const answer = (cutAfter: boolean) => {
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    res.setHeader('Connection', 'close');
    const body = {
      error: { code: 'PAYLOAD_TOO_LARGE', message: `body exceeds ${max} bytes`, field: 'body' },
    };
    send(res, 413, JSON.stringify(body));
    if (cutAfter) res.on('finish', () => req.destroy());
  };
  const timer = setTimeout(() => answer(true), LINGER_MS);
  timer.unref();
  if (req.readableEnded || discarded > LINGER_BYTES) {
    answer(true);
    return;
  }
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) answer(true);
  });
  req.on('end', () => answer(false));
  req.on('error', () => answer(true));
  req.resume();
}

/** Reads the body up to `max` bytes; resolves undefined after answering 413 itself. */
function readBody(req: IncomingMessage, res: ServerResponse, max: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    tooLarge(req, res, max, declared > LINGER_BYTES ? declared : 0);
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        done = true;
        chunks.length = 0;
        tooLarge(req, res, max, size);
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size));
    });
    req.on('error', () => {
      if (done) return;
      done = true;
      resolve(undefined);
    });
  });
}

export function createContainerServer(options: ContainerServerOptions): ContainerServer {
  const { gate, log } = options;
  let inFlight = 0;
  let draining = false;
  const idleWaiters: Array<() => void> = [];

  const finished = () => {
    inFlight -= 1;
    if (inFlight === 0) for (const wake of idleWaiters.splice(0)) wake();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (draining) res.setHeader('Connection', 'close');
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    switch (path) {
      case '/ping':
        if (method !== 'GET' && method !== 'HEAD')
          return send(res, 405, '{"error":{"code":"METHOD_NOT_ALLOWED"}}');
        return sendEmpty(res, gate.trafficReady ? 200 : 503);
      case '/live':
        if (method !== 'GET' && method !== 'HEAD')
          return send(res, 405, '{"error":{"code":"METHOD_NOT_ALLOWED"}}');
        return send(res, 200, '{"live":true}');
      case '/status':
        if (method !== 'GET') return send(res, 405, '{"error":{"code":"METHOD_NOT_ALLOWED"}}');
        return send(res, 200, JSON.stringify(options.status()));
      case '/invocations': {
        if (method !== 'POST') {
          res.setHeader('Allow', 'POST');
          return send(res, 405, '{"error":{"code":"METHOD_NOT_ALLOWED","message":"POST a JSON body"}}');
        }
        if (options.overloaded?.()) {
          req.resume();
          await new Promise<void>((resolve) => {
            req.once('end', resolve);
            req.once('error', resolve);
          });
          return send(res, 429, SHED_BODY);
        }
        const body = await readBody(req, res, options.maxBodyBytes);
        if (body === undefined) return;
        const outcome = await options.invoke(body);
        return send(res, outcome.status, outcome.body);
      }
      default:
        return send(
          res,
          404,
          JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route ${method} ${path}` } }),
        );
    }
  };

  const server = createServer((req, res) => {
    inFlight += 1;
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      finished();
    };
    res.on('close', release);
    res.on('error', () => {});
    req.on('error', () => {});
    handle(req, res).catch((error: unknown) => {
      log('error', 'request-failed', {
        url: req.url,
        error: error instanceof Error ? error.message : String(error),
      });
      send(res, 500, '{"error":{"code":"INTERNAL","message":"internal error"}}');
    });
  });
  // A malformed request line or header must not take the process down.
  server.on('clientError', (_error, socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  // SageMaker keeps connections to the container open; outlive a typical 60 s client idle timeout.
  server.keepAliveTimeout = 65_000;

  return {
    server,
    inFlight: () => inFlight,
    async drain(timeoutMs) {
      draining = true;
      server.close();
      server.closeIdleConnections();
      const allDone =
        inFlight === 0
          ? Promise.resolve(true)
          : new Promise<boolean>((resolve) => {
              idleWaiters.push(() => resolve(true));
            });
      const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
      const ok = await Promise.race([allDone, timer]);
      const abandoned = ok ? 0 : inFlight;
      server.closeAllConnections();
      return abandoned;
    },
  };
}
