/**
 * An {@link Invoke} that POSTs to this container's own `/invocations` over loopback.
 *
 * Warmup uses it so that a warmup request takes the whole path a client request takes: the HTTP
 * parser, body reading, the route, the pipeline, the worker, the response writer. Calling the
 * pipeline directly left the HTTP half cold, and the first client request after ready measured
 * about twice the steady latency (bench/results/container-warmup-effectiveness.json).
 */
import { Agent, request } from 'node:http';
import type { Invoke } from './invocation.js';

export function loopbackInvoke(port: number, host: string): { invoke: Invoke; close: () => void } {
  // A wildcard bind is reachable on loopback; a specific address only on itself.
  const target = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const invoke: Invoke = (raw) =>
    new Promise((resolve) => {
      const body = typeof raw === 'string' ? Buffer.from(raw) : raw;
      const req = request(
        {
          host: target,
          port,
          path: '/invocations',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', (error) =>
            resolve({ status: 0, body: `loopback response failed: ${error.message}` }),
          );
        },
      );
      req.on('error', (error) => resolve({ status: 0, body: `loopback request failed: ${error.message}` }));
      req.end(body);
    });
  return { invoke, close: () => agent.destroy() };
}
