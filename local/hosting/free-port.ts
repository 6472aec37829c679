import { createServer } from 'node:net';

/**
 * A loopback port that was free a moment ago. The container takes `--port N`, so the region has
 * to choose; the OS picks (listen on 0) and the port is released for the child to bind. Another
 * process could grab it in between, in which case the instance exits and is treated like any
 * instance that failed to start.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
