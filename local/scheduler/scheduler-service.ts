import * as z from 'zod';
import { isIanaRegionZone } from '../../core/calendar/local-time.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { parseOrThrow } from '../../core/validation.js';
import type { RegionClock } from '../clock.js';
import { parseScheduleExpression } from '../schedule-expression.js';
import type { RestRequest, RestResponse, RestService } from '../service.js';
import { errorMapper } from '../wire-error.js';

/** What the Scheduler needs from the region: its clock, and a way to start a target. */
export interface SchedulerDeps {
  readonly clock: RegionClock;
  readonly accountId: string;
  readonly region: string;
  /** Delivers one firing: Step Functions StartExecution for a state machine ARN. */
  fire(target: { arn: string; input: string | undefined }): Promise<void>;
  readonly log?: (line: string) => void;
}

interface ScheduleRecord {
  readonly name: string;
  readonly groupName: string;
  readonly arn: string;
  body: ScheduleBody;
  readonly creationDate: number;
  lastModificationDate: number;
  /** The schedule-clock instant it fires at. */
  dueMs: number;
  fired: boolean;
}

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;

const scheduleBodySchema = z.object({
  GroupName: z.string().regex(NAME).optional(),
  ScheduleExpression: z.string().min(1).max(256),
  ScheduleExpressionTimezone: z.string().max(50).optional(),
  FlexibleTimeWindow: z.object({
    Mode: z.enum(['OFF', 'FLEXIBLE']),
    MaximumWindowInMinutes: z.number().int().min(1).max(1440).optional(),
  }),
  Target: z.looseObject({
    Arn: z.string().min(1).max(1600),
    RoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN'),
    Input: z.string().max(8192).optional(),
  }),
  State: z.enum(['ENABLED', 'DISABLED']).optional(),
  ActionAfterCompletion: z.enum(['NONE', 'DELETE']).optional(),
  Description: z.string().max(512).optional(),
  ClientToken: z.string().optional(),
  StartDate: z.number().optional(),
  EndDate: z.number().optional(),
});
type ScheduleBody = z.infer<typeof scheduleBodySchema>;

/**
 * The instant an `at()` expression names, in its time zone (UTC by default). The local region
 * fires one-time schedules only, which is all warmgate creates; the parsing is the region's one
 * schedule-expression parser, shared with Application Auto Scaling's scheduled actions.
 *
 * @throws ValidationError naming the expression or the time zone.
 */
export function dueInstant(expression: string, timezone = 'UTC'): number {
  if (!isIanaRegionZone(timezone)) {
    throw ValidationError.field('ScheduleExpressionTimezone', `${timezone} is not an IANA time zone`);
  }
  const schedule = parseScheduleExpression(expression, timezone, 'ScheduleExpression');
  if (schedule.kind !== 'at') {
    throw ValidationError.field(
      'ScheduleExpression',
      'the local region runs one-time at(yyyy-mm-ddThh:mm:ss) schedules only',
    );
  }
  return schedule.at;
}

/**
 * EventBridge Scheduler's schedule API (REST-JSON) for one-time `at()` schedules, firing on the
 * region's schedule clock, which honours the speed factor. A fired schedule is kept
 * (ActionAfterCompletion NONE) or deleted (DELETE), as on AWS.
 */
export class SchedulerService {
  readonly #schedules = new Map<string, ScheduleRecord>();
  readonly #deps: SchedulerDeps;
  readonly #timer: NodeJS.Timeout;

  constructor(deps: SchedulerDeps, tickMs = 250) {
    this.#deps = deps;
    this.#timer = setInterval(() => void this.#tick(), tickMs);
    // The region's own server keeps the process alive; the scheduler must not.
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
  }

  asRegionService(): RestService {
    const route = (method: string, path: string, operation: string, handle: (r: RestRequest) => unknown) => ({
      method,
      path,
      operation,
      handle: async (request: RestRequest): Promise<RestResponse> => ({
        status: 200,
        body: await handle(request),
      }),
    });
    return {
      kind: 'rest',
      name: 'Scheduler',
      errors: errorMapper({
        validation: { type: 'ValidationException', status: 400 },
        notFound: { type: 'ResourceNotFoundException', status: 404 },
        conflict: { type: 'ConflictException', status: 409 },
      }),
      routes: [
        route('POST', '/schedules/{Name}', 'CreateSchedule', (r) => this.#put(r, 'create')),
        route('PUT', '/schedules/{Name}', 'UpdateSchedule', (r) => this.#put(r, 'update')),
        route('GET', '/schedules/{Name}', 'GetSchedule', (r) => this.#describe(this.#find(r, 'groupName'))),
        route('DELETE', '/schedules/{Name}', 'DeleteSchedule', (r) => {
          this.#schedules.delete(key(this.#find(r, 'groupName')));
          return {};
        }),
        route('GET', '/schedules', 'ListSchedules', (r) => this.#list(r)),
      ],
    };
  }

  #put(request: RestRequest, mode: 'create' | 'update'): unknown {
    const name = request.params.Name ?? '';
    if (!NAME.test(name)) throw ValidationError.field('Name', 'must be 1-64 characters of [0-9a-zA-Z-_.]');
    let json: unknown;
    try {
      json = JSON.parse(request.body.toString('utf8') || '{}');
    } catch (cause) {
      throw new ValidationError([{ field: 'body', message: 'is not valid JSON' }], { cause });
    }
    const body = parseOrThrow(scheduleBodySchema, json);
    const groupName = body.GroupName ?? 'default';
    const dueMs = dueInstant(body.ScheduleExpression, body.ScheduleExpressionTimezone);
    const id = `${groupName}/${name}`;
    const existing = this.#schedules.get(id);
    const now = Date.now() / 1000;
    if (mode === 'create') {
      if (existing) throw new ConflictError(`Schedule ${name} already exists.`);
      const arn = `arn:aws:scheduler:${this.#deps.region}:${this.#deps.accountId}:schedule/${groupName}/${name}`;
      this.#schedules.set(id, {
        name,
        groupName,
        arn,
        body,
        creationDate: now,
        lastModificationDate: now,
        dueMs,
        fired: false,
      });
      return { ScheduleArn: arn };
    }
    if (!existing) throw new NotFoundError(`Schedule ${name} does not exist.`);
    existing.body = body;
    existing.lastModificationDate = now;
    existing.dueMs = dueMs;
    existing.fired = false;
    return { ScheduleArn: existing.arn };
  }

  #find(request: RestRequest, groupParam: string): ScheduleRecord {
    const name = request.params.Name ?? '';
    const groupName = request.query.get(groupParam) ?? 'default';
    const record = this.#schedules.get(`${groupName}/${name}`);
    if (!record) throw new NotFoundError(`Schedule ${name} does not exist.`);
    return record;
  }

  #describe(record: ScheduleRecord): unknown {
    const { ClientToken: _token, GroupName: _group, ...body } = record.body;
    return {
      ...body,
      Arn: record.arn,
      Name: record.name,
      GroupName: record.groupName,
      State: record.body.State ?? 'ENABLED',
      CreationDate: record.creationDate,
      LastModificationDate: record.lastModificationDate,
    };
  }

  #list(request: RestRequest): unknown {
    const group = request.query.get('ScheduleGroup');
    const prefix = request.query.get('NamePrefix') ?? '';
    const state = request.query.get('State');
    const schedules = [...this.#schedules.values()]
      .filter((s) => (group === null || s.groupName === group) && s.name.startsWith(prefix))
      .filter((s) => state === null || (s.body.State ?? 'ENABLED') === state)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => ({
        Arn: s.arn,
        Name: s.name,
        GroupName: s.groupName,
        State: s.body.State ?? 'ENABLED',
        CreationDate: s.creationDate,
        LastModificationDate: s.lastModificationDate,
        Target: { Arn: s.body.Target.Arn },
      }));
    return { Schedules: schedules };
  }

  async #tick(): Promise<void> {
    const now = this.#deps.clock.scheduleNow();
    for (const [id, record] of this.#schedules) {
      if (record.fired || (record.body.State ?? 'ENABLED') !== 'ENABLED' || record.dueMs > now) continue;
      record.fired = true;
      if (record.body.ActionAfterCompletion === 'DELETE') this.#schedules.delete(id);
      this.#deps.log?.(`schedule ${id} fired`);
      try {
        await this.#deps.fire({ arn: record.body.Target.Arn, input: record.body.Target.Input });
      } catch (error) {
        this.#deps.log?.(`schedule ${id} could not start its target: ${(error as Error).message}`);
      }
    }
  }
}

function key(record: ScheduleRecord): string {
  return `${record.groupName}/${record.name}`;
}
