import * as z from 'zod';
import { ValidationError } from '../../core/errors.js';
import { parseOrThrow } from '../../core/validation.js';
import type { RegionClock } from '../clock.js';
import { DEFAULT_FAILURE, type FaultInjector } from '../faults.js';
import type { Hosting } from '../hosting/hosting.js';
import type { RestRequest, RestService } from '../service.js';
import { errorMapper, wireError } from '../wire-error.js';

/** The path prefix of the region's own (non-AWS) API. */
export const CONTROL_PREFIX = '/_warmgate';

const ThrottleSchema = z.strictObject({
  operation: z.string().min(1),
  share: z.number().min(0).max(1),
});

const FailSchema = z.strictObject({
  operation: z.string().min(1),
  count: z.number().int().min(1),
  errorCode: z.string().min(1).optional(),
  status: z.number().int().min(400).max(599).optional(),
  message: z.string().optional(),
});

const KillSchema = z.strictObject({ signal: z.enum(['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGSEGV']).optional() });
const SlowPingSchema = z.strictObject({ delayMs: z.number().min(0) });

function json(request: RestRequest): unknown {
  if (request.body.length === 0) return {};
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch {
    throw ValidationError.field('body', 'is not valid JSON');
  }
}

/**
 * The control API under `/_warmgate/`: the hosting state as plain JSON, and fault injection —
 * throttle a share of an operation's calls, fail its next N calls, kill an instance, slow an
 * instance's `/ping`. Tests, benchmarks and the dashboard use it; AWS clients never see it.
 */
export function createControlService(deps: {
  hosting: Hosting;
  faults: FaultInjector;
  clock: RegionClock;
  onUnexpected?: (error: unknown) => void;
}): RestService {
  const { hosting, faults, clock } = deps;
  const state = () => ({
    endpoints: hosting.snapshot(),
    faults: faults.rules(),
    clock: {
      now: new Date(clock.now()).toISOString(),
      scheduleNow: new Date(clock.scheduleNow()).toISOString(),
      speed: clock.speed,
    },
  });
  return {
    kind: 'rest',
    name: 'Control',
    errors: errorMapper(
      {
        validation: { type: 'ValidationException' },
        notFound: { type: 'ResourceNotFoundException', status: 404 },
        conflict: { type: 'ConflictException', status: 409 },
      },
      deps.onUnexpected,
    ),
    routes: [
      {
        method: 'GET',
        path: `${CONTROL_PREFIX}/health`,
        operation: 'Health',
        handle: () => ok({ ok: true }),
      },
      { method: 'GET', path: `${CONTROL_PREFIX}/state`, operation: 'State', handle: () => ok(state()) },
      {
        method: 'GET',
        path: `${CONTROL_PREFIX}/instances`,
        operation: 'ListInstances',
        handle: () => ok({ instances: hosting.instances().map((i) => i.view()) }),
      },
      {
        method: 'POST',
        path: `${CONTROL_PREFIX}/instances/{InstanceId}/kill`,
        operation: 'KillInstance',
        handle(request) {
          const { signal } = parseOrThrow(KillSchema, json(request));
          return ok({ instance: hosting.killInstance(request.params.InstanceId ?? '', signal) });
        },
      },
      {
        method: 'POST',
        path: `${CONTROL_PREFIX}/instances/{InstanceId}/slow-ping`,
        operation: 'SlowPing',
        handle(request) {
          const { delayMs } = parseOrThrow(SlowPingSchema, json(request));
          return ok({ instance: hosting.slowPing(request.params.InstanceId ?? '', delayMs) });
        },
      },
      {
        method: 'GET',
        path: `${CONTROL_PREFIX}/faults`,
        operation: 'ListFaults',
        handle: () => ok({ faults: faults.rules() }),
      },
      {
        method: 'POST',
        path: `${CONTROL_PREFIX}/faults/throttle`,
        operation: 'Throttle',
        handle(request) {
          const rule = parseOrThrow(ThrottleSchema, json(request));
          faults.throttle(rule.operation, rule.share);
          return ok({ faults: faults.rules() });
        },
      },
      {
        method: 'POST',
        path: `${CONTROL_PREFIX}/faults/fail`,
        operation: 'FailNext',
        handle(request) {
          const rule = parseOrThrow(FailSchema, json(request));
          const error =
            rule.errorCode || rule.status || rule.message
              ? wireError(
                  rule.errorCode ?? DEFAULT_FAILURE.type,
                  rule.status ?? DEFAULT_FAILURE.status,
                  rule.message ?? DEFAULT_FAILURE.message,
                )
              : DEFAULT_FAILURE;
          faults.failNext(rule.operation, rule.count, error);
          return ok({ faults: faults.rules() });
        },
      },
      {
        method: 'DELETE',
        path: `${CONTROL_PREFIX}/faults`,
        operation: 'ClearFaults',
        handle(request) {
          faults.clear(request.query.get('operation') ?? undefined);
          return ok({ faults: faults.rules() });
        },
      },
    ],
  };
}

function ok(body: unknown) {
  return { status: 200, body };
}
