/**
 * One container instance's lifecycle: listen, load, warm, serve, drain.
 *
 * The server listens before anything else, so `/live` answers 200 and `/ping` 503 from the
 * first moment; then the model loads and warms behind the gate. A failure in loading or
 * warmup ends in `failed`: `/status` names the reason for a short grace period, then the
 * process exits non-zero, so the platform sees the failure at once rather than at the end of
 * its health-check timeout.
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ValidationError } from '../core/errors.js';
import { parseWarmupManifest, type WarmupManifest } from '../core/warmup-manifest.js';
import type { ContainerArgs } from './args.js';
import type { LoadReport, ModelBackend } from './backend.js';
import type { ContainerConfig } from './config.js';
import { createInvoke } from './invocation.js';
import type { Logger } from './log.js';
import { loopbackInvoke } from './loopback-invoke.js';
import { type Phase, ReadinessGate } from './readiness.js';
import { OnnxRecommenderBackend } from './recommender/onnx-backend.js';
import { createContainerServer } from './server.js';
import { emptyReport, runWarmup, type WarmupReport } from './warmup.js';

export interface RunningContainer {
  readonly url: string;
  readonly port: number;
  readonly gate: ReadinessGate;
  /** Resolves when the instance is ready, or failed (it never rejects). */
  readonly settled: Promise<Phase>;
  /** Drains and stops; resolves with the exit code the process should use. */
  shutdown(reason: string): Promise<number>;
}

export interface RunDeps {
  readonly log: Logger;
  /** Milliseconds since process start. */
  readonly now: () => number;
  /** Ends the process; tests and embedders may replace it. */
  readonly exit: (code: number) => void;
  readonly backend?: ModelBackend<unknown>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function readManifest(modelDir: string): Promise<WarmupManifest> {
  let raw: string;
  try {
    raw = await readFile(join(modelDir, 'warmup.json'), 'utf8');
  } catch (error) {
    throw new ValidationError([{ field: 'warmup.json', message: message(error) }]);
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(raw);
  } catch (error) {
    throw new ValidationError([{ field: 'warmup.json', message: `not valid JSON: ${message(error)}` }]);
  }
  try {
    return parseWarmupManifest(decoded);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(
        error.issues.map((i) => ({ field: `warmup.json ${i.field}`, message: i.message })),
      );
    }
    throw error;
  }
}

/**
 * Starts one instance and returns once it listens; loading and warmup continue in the background.
 *
 * @throws when the port cannot be bound (the caller exits non-zero).
 */
export async function runContainer(
  args: ContainerArgs,
  config: ContainerConfig,
  deps: RunDeps,
): Promise<RunningContainer> {
  const { log, now } = deps;
  const gate = new ReadinessGate({ gated: args.gate, now });
  gate.onChange((phase, snapshot) => {
    const timing = snapshot.phases[snapshot.phases.length - 2];
    log(phase === 'failed' ? 'error' : 'info', 'phase', {
      phase,
      atMs: snapshot.phases[snapshot.phases.length - 1]?.startMs,
      previous: timing?.phase,
      previousMs: timing?.durationMs,
      ...(snapshot.failure ? { reason: snapshot.failure.reason } : {}),
    });
  });
  const backend =
    deps.backend ??
    new OnnxRecommenderBackend({
      modelDir: args.modelDir,
      ort: config.ort,
      workers: config.workers,
      maxQueue: config.maxQueue,
      onWorkerEvent: (event, detail) => log('warn', event, detail),
    });
  const invoke = createInvoke(backend);
  const warmupAbort = new AbortController();
  let manifest: WarmupManifest | undefined;
  let loadReport: LoadReport | undefined;
  let warmup: WarmupReport = emptyReport(undefined, args.warmup);

  const status = () => ({
    ...gate.snapshot(),
    uptimeMs: Math.round(now()),
    pid: process.pid,
    model: {
      dir: args.modelDir,
      backend: backend.kind,
      ...(loadReport
        ? { sessionCreateMs: Math.round(loadReport.sessionCreateMs * 10) / 10, ...loadReport.details }
        : {}),
    },
    warmup,
    inference: backend.stats(),
    http: { inFlight: server.inFlight() },
  });

  const server = createContainerServer({
    gate,
    invoke,
    status,
    maxBodyBytes: config.maxBodyBytes,
    overloaded: () => backend.stats().queued >= config.maxQueue,
    log,
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.server.listen(args.port, args.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  const url = `http://${args.host === '0.0.0.0' ? '127.0.0.1' : args.host}:${port}`;
  log('info', 'listening', {
    url,
    host: args.host,
    port,
    gated: args.gate,
    warmup: args.warmup,
    modelDir: args.modelDir,
  });

  const lifecycle = async (): Promise<Phase> => {
    try {
      gate.enter('loading');
      // Both run at once; a bad manifest still fails the start even though the model loaded.
      const [manifestResult, loadResult] = await Promise.allSettled([
        readManifest(args.modelDir),
        backend.load(),
      ]);
      if (manifestResult.status === 'rejected') throw manifestResult.reason;
      if (loadResult.status === 'rejected') throw loadResult.reason;
      manifest = manifestResult.value;
      loadReport = loadResult.value;
      warmup = emptyReport(manifest, args.warmup);
      log('info', 'model-loaded', { sessionCreateMs: loadReport.sessionCreateMs, ...loadReport.details });
      if (args.warmup !== 'none') {
        gate.enter('warming');
        // The warmup's sockets close a second after it ends: closed at once, both ends would handle
        // their close events just as the first client request arrives.
        const loopback = loopbackInvoke(port, args.host);
        await runWarmup(manifest, loopback.invoke, {
          mode: args.warmup,
          now,
          signal: warmupAbort.signal,
          report: warmup,
          onShapeDone: (shape) => log('info', 'shape-warm', { ...shape }),
        }).finally(() => setTimeout(loopback.close, 1000).unref());
        if (warmupAbort.signal.aborted) return gate.phase;
      }
      gate.enter('ready');
      return 'ready';
    } catch (error) {
      if (warmupAbort.signal.aborted) return gate.phase;
      gate.fail(message(error));
      setTimeout(() => {
        void backend.close().finally(() => deps.exit(1));
      }, config.failGraceMs);
      return 'failed';
    }
  };
  const settled = lifecycle();

  let shuttingDown: Promise<number> | undefined;
  const shutdown = (reason: string): Promise<number> => {
    shuttingDown ??= (async () => {
      log('info', 'draining', { reason, inFlight: server.inFlight(), timeoutMs: config.drainTimeoutMs });
      gate.startDraining();
      warmupAbort.abort();
      const abandoned = await server.drain(config.drainTimeoutMs);
      await backend.close();
      log(abandoned > 0 ? 'warn' : 'info', 'stopped', { abandoned });
      return 0;
    })();
    return shuttingDown;
  };

  return { url, port, gate, settled, shutdown };
}
