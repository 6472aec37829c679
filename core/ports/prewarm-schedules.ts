/**
 * One-time pre-warm schedules, in EventBridge Scheduler's terms: a name, an `at()` expression in
 * a time zone, and the pre-warm execution input it starts the state machine with.
 */
export interface PrewarmSchedule {
  readonly name: string;
  /** `at(YYYY-MM-DDTHH:MM:SS)`, wall-clock time in `timezone`. */
  readonly expression: string;
  readonly timezone: string;
  /** The pre-warm execution input, as JSON text. */
  readonly input: string;
}

/** The schedule group warmgate owns; sync only ever touches names with its prefix inside it. */
export interface PrewarmSchedules {
  list(prefix: string): Promise<PrewarmSchedule[]>;
  create(schedule: PrewarmSchedule): Promise<void>;
  update(schedule: PrewarmSchedule): Promise<void>;
  delete(name: string): Promise<void>;
}

/** Starts a pre-warm now (a window whose raise time has already passed). */
export interface PrewarmStarter {
  /** Idempotent by `name`: Step Functions refuses a second execution with the same name. */
  start(name: string, input: string): Promise<'started' | 'already-started'>;
  /** The ARN the execution named `name` has (or would have). */
  executionArn(name: string): string;
}

/** Where the release calendar (and optionally the warmup manifest for smoke tests) lives. */
export interface CalendarSource {
  /** Where the calendar is (`s3://…`, `file://…`): what the published plan names as its calendar. */
  readonly calendarUrl: string;
  read(): Promise<{ readonly text: string; readonly fileName: string }>;
  /** The warmup manifest's text, when one is configured, for the pre-warm smoke tests. */
  warmupManifest(): Promise<string | undefined>;
}
