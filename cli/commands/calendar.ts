/**
 * `warmgate calendar plan FILE [--now ISO] [--until ISO] [--endpoint NAME] [--json]`: previews the
 * pre-scale plan a release calendar (.yaml, .yml, .json or .ics) produces. Reads the file and the
 * clock here; everything else is core, the same code calendar-sync schedules from.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import type { Calendar } from '../../core/calendar/calendar.js';
import type { IcsImportOptions } from '../../core/calendar/ics-import.js';
import { calendarFormatOf, parseCalendar } from '../../core/calendar/parse-calendar.js';
import { planCalendar } from '../../core/calendar-plan.js';
import { type FieldIssue, ValidationError } from '../../core/errors.js';
import { type EndpointName, parseEndpointName } from '../../core/names.js';
import { planJson, utcIso } from '../../core/plan-releases.js';
import type { PrescaleAction, ProvisioningHistory } from '../../core/prescale-planner.js';
import { provisioningHistory } from '../../core/prewarm/calendar-sync.js';
import { EXIT, runCommand } from '../command-errors.js';

interface PlanFlags {
  history?: boolean;
  now?: string;
  until?: string;
  endpoint?: string;
  json?: boolean;
  settings?: string;
  timezone?: string;
  floor?: string;
  max?: string;
  capacity?: string;
  provisioningMinutes?: string;
  peakRps?: string;
  holdMinutes?: string;
}

/** Four weeks: every weekly release shows up at least four times. */
const DEFAULT_HORIZON_DAYS = 28;

export function register(program: Command): void {
  const calendar = program.command('calendar').description('release calendars and their pre-scale plans');
  calendar
    .command('plan')
    .description('show when each endpoint floor is raised before a release, to what, and when it is restored')
    .argument('<file>', 'calendar: .yaml, .yml, .json or .ics')
    .option('--now <iso>', 'plan from this instant (ISO 8601; default: now)')
    .option('--until <iso>', `plan releases up to this instant (default: now + ${DEFAULT_HORIZON_DAYS} days)`)
    .option(
      '--endpoint <name>',
      'only this endpoint; for .ics, also the endpoint of events without X-WARMGATE-ENDPOINTS',
    )
    .option('--json', 'print {"actions": [...]} with UTC ISO 8601 times')
    .option(
      '--history',
      'plan with the ProvisioningToWarm history in CloudWatch (AWS, or the local region via AWS_ENDPOINT_URL), as calendar-sync does',
    )
    .option('--settings <file>', '.ics only: a .yaml/.json calendar whose endpoints, tiers and planner apply')
    .option('--timezone <zone>', '.ics only: IANA zone for floating DTSTART times')
    .option('--floor <n>', '.ics only: endpoint floor (default 2)')
    .option('--max <n>', '.ics only: endpoint max instances')
    .option('--capacity <rps>', '.ics only: requests/s one instance serves within the latency target')
    .option('--provisioning-minutes <min>', '.ics only: provisioning-to-warm time with no history')
    .option('--peak-rps <rps>', '.ics only: peak for events without X-WARMGATE-PEAK-RPS')
    .option('--hold-minutes <min>', '.ics only: hold for events without a duration')
    .action((file: string, flags: PlanFlags) =>
      runCommand(Boolean(flags.json), async () => {
        const output = await planFromFile(file, flags, Date.now());
        process.stdout.write(output);
        return EXIT.ok;
      }),
    );
}

/**
 * Reads, parses and plans; returns what the command prints. Separate from `register` so a test
 * can drive it with a fixed clock.
 *
 * @throws ValidationError listing every problem with the flags or the calendar (exit 2).
 */
export async function planFromFile(file: string, flags: PlanFlags, clockMs: number): Promise<string> {
  const issues: FieldIssue[] = [];
  const nowMs = instantFlag('--now', flags.now, clockMs, issues);
  const untilMs = instantFlag('--until', flags.until, nowMs + DEFAULT_HORIZON_DAYS * 86_400_000, issues);
  if (untilMs <= nowMs)
    issues.push({ field: '--until', message: `must be later than --now (${utcIso(nowMs)})` });
  let endpoint: EndpointName | undefined;
  try {
    endpoint = flags.endpoint === undefined ? undefined : parseEndpointName(flags.endpoint, '--endpoint');
  } catch (error) {
    collect(error, issues);
  }
  const format = calendarFormatOf(file);
  const icsOptions = format === 'ics' ? await icsOptionsFrom(flags, endpoint, issues) : {};
  // The calendar is parsed even when a flag was refused, so one run lists every problem.
  let calendar: Calendar | undefined;
  try {
    calendar = parseCalendar(await readText(file, 'file'), format, icsOptions);
  } catch (error) {
    collect(error, issues);
  }
  if (issues.length > 0 || !calendar) throw new ValidationError(issues);

  let actions: PrescaleAction[];
  try {
    const history = flags.history ? await measuredHistory(Object.keys(calendar.endpoints), nowMs) : undefined;
    actions = planCalendar(calendar, {
      nowMs,
      untilMs,
      ...(endpoint ? { endpoint } : {}),
      ...(history ? { history } : {}),
    });
  } catch (error) {
    // planCalendar names its request fields; on the command line they are flags.
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(
      error.issues.map((issue) =>
        issue.field === 'until' || issue.field === 'endpoint'
          ? { ...issue, field: `--${issue.field}` }
          : issue,
      ),
    );
  }
  // One object on one line, as every --json output is: scripts read it line by line.
  if (flags.json) return `${JSON.stringify(planJson(actions))}\n`;
  return formatPlanTable(file, actions, nowMs, untilMs);
}

async function icsOptionsFrom(
  flags: PlanFlags,
  endpoint: EndpointName | undefined,
  issues: FieldIssue[],
): Promise<IcsImportOptions> {
  const number = (flag: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed))
      issues.push({ field: flag, message: `must be a number, got ${value}` });
    return parsed;
  };
  const endpointDefaults = Object.fromEntries(
    Object.entries({
      floor: number('--floor', flags.floor),
      max: number('--max', flags.max),
      perInstanceCapacity: number('--capacity', flags.capacity),
      provisioningMinutes: number('--provisioning-minutes', flags.provisioningMinutes),
    }).filter(([, value]) => value !== undefined),
  );
  const peakRequestsPerSecond = number('--peak-rps', flags.peakRps);
  const holdMinutes = number('--hold-minutes', flags.holdMinutes);
  let settings: Calendar | undefined;
  if (flags.settings !== undefined) {
    try {
      const format = calendarFormatOf(flags.settings);
      if (format === 'ics') throw ValidationError.field('--settings', 'must be a .yaml or .json calendar');
      settings = parseCalendar(await readText(flags.settings, '--settings'), format);
    } catch (error) {
      collect(error, issues, '--settings');
    }
  }
  return {
    ...(endpoint ? { defaultEndpoints: [endpoint] } : {}),
    ...(settings ? { settings } : {}),
    ...(Object.keys(endpointDefaults).length > 0 ? { endpointDefaults } : {}),
    ...(peakRequestsPerSecond === undefined ? {} : { peakRequestsPerSecond }),
    ...(holdMinutes === undefined ? {} : { holdMinutes }),
    ...(flags.timezone === undefined ? {} : { defaultTimezone: flags.timezone }),
  };
}

function instantFlag(
  flag: string,
  value: string | undefined,
  fallback: number,
  issues: FieldIssue[],
): number {
  if (value === undefined) return fallback;
  const parsed = DateTime.fromISO(value, { zone: 'UTC' });
  if (!parsed.isValid) {
    issues.push({
      field: flag,
      message: `must be an ISO 8601 instant such as 2025-06-01T00:00:00Z, got ${value}`,
    });
    return fallback;
  }
  return parsed.toMillis();
}

async function readText(file: string, field: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw ValidationError.field(
      field,
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
}

function collect(error: unknown, issues: FieldIssue[], prefix?: string): void {
  if (!(error instanceof ValidationError)) throw error;
  for (const issue of error.issues) {
    issues.push(
      prefix && !issue.field.startsWith('--') ? { ...issue, field: `${prefix} ${issue.field}` } : issue,
    );
  }
}

const TIME_FORMAT = 'yyyy-MM-dd HH:mm';

function utc(epochMs: number): string {
  return DateTime.fromMillis(epochMs, { zone: 'UTC' }).toFormat(TIME_FORMAT);
}

function local(epochMs: number, zone: string): string {
  return DateTime.fromMillis(epochMs, { zone }).toFormat(TIME_FORMAT);
}

/** The plan as a table for people: every time in UTC and in the release's own zone. */
export function formatPlanTable(
  file: string,
  actions: readonly PrescaleAction[],
  nowMs: number,
  untilMs: number,
): string {
  const header = `Pre-scale plan for ${file}, ${utcIso(nowMs)} → ${utcIso(untilMs)}: ${actions.length} window${
    actions.length === 1 ? '' : 's'
  }`;
  if (actions.length === 0) return `${header}\nNo releases in this period.\n`;
  const rows = actions.map((action) => {
    const zone = action.timezone;
    const offset = DateTime.fromMillis(action.releaseAtMs, { zone }).toFormat('ZZ');
    return [
      action.endpoint,
      `${action.baseFloor}→${action.minCapacity}${action.capped ? ' (max)' : ''}`,
      `${utc(action.raiseAtMs)}${action.late ? ' (late)' : ''}`,
      local(action.raiseAtMs, zone),
      utc(action.releaseAtMs),
      local(action.releaseAtMs, zone),
      utc(action.restoreAtMs),
      local(action.restoreAtMs, zone),
      `${zone} (${offset})`,
      action.releases.join(', '),
    ];
  });
  const titles = [
    'ENDPOINT',
    'FLOOR',
    'RAISE UTC',
    'RAISE LOCAL',
    'RELEASE UTC',
    'RELEASE LOCAL',
    'RESTORE UTC',
    'RESTORE LOCAL',
    'ZONE',
    'RELEASES',
  ];
  const widths = titles.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ');
  const notes: string[] = [];
  const leads = new Map(actions.map((action) => [action.endpoint, action.leadSeconds]));
  for (const [endpoint, seconds] of leads)
    notes.push(`${endpoint}: floor raised ${Math.round(seconds / 60)} min before each release`);
  if (actions.some((action) => action.capped))
    notes.push('(max): the forecast needs more instances than max allows');
  if (actions.some((action) => action.late))
    notes.push('(late): the planned raise time has passed; raising now may not be warm in time');
  return `${[header, '', line(titles), ...rows.map(line), '', ...notes].join('\n')}\n`;
}

/** Reads the measured provisioning history from CloudWatch with the default credential chain. */
async function measuredHistory(endpoints: readonly string[], nowMs: number): Promise<ProvisioningHistory> {
  const [{ CloudWatchClient }, { CloudWatchMetricsSink }, { cliClientConfig }] = await Promise.all([
    import('@aws-sdk/client-cloudwatch'),
    import('../../functions/adapters/cloudwatch-metrics-sink.js'),
    import('../aws-context.js'),
  ]);
  const client = new CloudWatchClient(cliClientConfig());
  try {
    return await provisioningHistory(new CloudWatchMetricsSink(client), endpoints, nowMs);
  } finally {
    client.destroy();
  }
}
