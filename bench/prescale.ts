/**
 * bench/prescale: a simulated year of manga releases, pre-scaled three ways.
 *
 *   node --import tsx bench/prescale.ts
 *
 * The calendar: One Piece weekly (Sunday 00:00 JST), a second weekly major (Monday 00:00 JST), a
 * US simulpub weekly (Tuesday 11:00 New York, across both DST changes), and irregular specials,
 * a quarter of them landing within an hour of a One Piece drop (overlapping windows). It goes
 * through the real pipeline: YAML text → parseCalendarDocument → expandReleases → planPrescale.
 *
 * Provisioning-to-warm times are heavy-tailed: lognormal body (median 8 min) with a 3 % Pareto
 * tail (slow image pulls, capacity-constrained AZs). Each merged window draws one time, seeded by
 * its first release's id, so every policy faces the same draw for the same scale-out.
 *
 * Policies:
 * - warmgate: the planner as shipped, with its default margin: lead = p95 of the last 100
 *   observed times + margin; until 30 times are known, the configured provisioning time (or the
 *   slowest observed, if slower) + margin. Each window's time joins the history afterwards.
 * - naive60: a fixed 60-minute lead.
 * - oracle: lead = that window's exact provisioning time (warm at the last possible moment).
 *
 * Reported: the share of releases warm at release time (with the drawn times, and with every
 * window taking the distribution's p99 time), and the instance-hours above the floor compared
 * with the oracle. Targets: 100 % warm at p99, at most 1.15 × the oracle's instance-hours, for
 * every one of five provisioning seeds (one lucky seed proves nothing).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { DEFAULT_PLANNER_SETTINGS, type EndpointSettings, type Release } from '../core/calendar/calendar.js';
import { parseCalendarDocument } from '../core/calendar/calendar-document.js';
import { expandReleases } from '../core/calendar/expand-releases.js';
import { type PrescaleAction, planPrescale } from '../core/prescale-planner.js';
import { fnv1a64 } from '../core/resource-names.js';

const YEAR_START = Date.parse('2025-01-01T00:00:00Z');
const YEAR_END = Date.parse('2026-01-01T00:00:00Z');
const HOUR_MS = 3_600_000;
const MINUTE = 60;
// About six months of scale-outs: what calendar-sync reads back from the CloudWatch metric.
const HISTORY_WINDOW = 100;
const CONFIGURED_PROVISIONING_MINUTES = 20;
const MARGINS_MINUTES = [0, 4, 8, 10, 12, 14];
// The planner's own default margin: the benchmark checks what a calendar without settings gets.
const CHOSEN_MARGIN_MINUTES = DEFAULT_PLANNER_SETTINGS.leadMarginSeconds / MINUTE;
const SEEDS = ['2025-a', '2025-b', '2025-c', '2025-d', '2025-e'];

// --- seeded randomness -------------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const seedOf = (key: string) => Number.parseInt(fnv1a64(key).slice(0, 8), 16);

function standardNormal(random: () => number): number {
  const u = Math.max(random(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Seconds from scale-out request to warm: lognormal body, 3 % Pareto tail. */
function provisioningSeconds(random: () => number): number {
  if (random() < 0.03) return 14 * MINUTE * (1 - random()) ** (-1 / 3);
  return 8 * MINUTE * Math.exp(0.35 * standardNormal(random));
}

function drawFor(releaseId: string, seed: string): number {
  const random = mulberry32(seedOf(`provisioning:${seed}:${releaseId}`));
  // Neighbouring seeds give correlated first outputs; a few discarded draws decorrelate them.
  for (let skip = 0; skip < 4; skip++) random();
  return provisioningSeconds(random);
}

// --- the year's calendar ---------------------------------------------------------------------------

function yearCalendarYaml(): string {
  const random = mulberry32(seedOf('specials-2025'));
  const specials: string[] = [];
  for (let index = 0; index < 40; index++) {
    const overlapping = index % 4 === 0;
    // Overlapping specials sit within an hour of a One Piece drop (Sunday 00:00 JST).
    const week = 1 + Math.floor(random() * 50);
    const base = overlapping
      ? Date.parse('2025-01-04T15:00:00Z') +
        week * 7 * 24 * HOUR_MS +
        Math.round(random() * 120 - 60) * 60_000
      : YEAR_START + Math.floor(random() * 364 * 24) * HOUR_MS + Math.floor(random() * 4) * 15 * 60_000;
    const local = new Date(base + 9 * HOUR_MS).toISOString().slice(0, 16);
    specials.push(
      [
        `  - id: special-${index}`,
        `    series: Special ${index}`,
        `    localTime: ${local}`,
        '    timezone: Asia/Tokyo',
        '    endpoints: [manga-recs]',
        `    peak: ${Math.round(150 + random() * 450)}`,
        `    holdMinutes: ${60 + 30 * Math.floor(random() * 5)}`,
      ].join('\n'),
    );
  }
  return `
planner: { headroom: 1.25 }
endpoints:
  manga-recs: { floor: 2, max: 12, perInstanceCapacity: 80, provisioningMinutes: ${CONFIGURED_PROVISIONING_MINUTES} }
releases:
  - id: one-piece
    series: One Piece
    chapter: 1135
    localTime: 2025-01-05T00:00
    timezone: Asia/Tokyo
    repeat: FREQ=WEEKLY;BYDAY=SU
    except: [2025-01-26T00:00, 2025-04-27T00:00, 2025-08-10T00:00, 2025-12-28T00:00]
    endpoints: [manga-recs]
    peak: 480
    holdMinutes: 120
  - id: weekly-major-2
    series: Kagurabachi
    localTime: 2025-01-06T00:00
    timezone: Asia/Tokyo
    repeat: FREQ=WEEKLY;BYDAY=MO
    endpoints: [manga-recs]
    peak: 300
    holdMinutes: 90
  - id: us-simulpub
    series: Chainsaw Man (US simulpub)
    localTime: 2025-01-07T11:00
    timezone: America/New_York
    repeat: FREQ=WEEKLY;BYDAY=TU
    endpoints: [manga-recs]
    peak: 240
    holdMinutes: 90
${specials.join('\n')}
`;
}

// --- simulation ------------------------------------------------------------------------------

type Policy = 'warmgate' | 'naive60' | 'oracle';

interface PolicyResult {
  windows: number;
  releases: number;
  warm: number;
  warmAtP99: number;
  instanceHours: number;
  meanLeadMinutes: number;
}

function simulate(
  policy: Policy,
  releases: readonly Release[],
  calendar: ReturnType<typeof parseCalendarDocument>,
  marginSeconds: number,
  p99Seconds: number,
  seed = SEEDS[0] as string,
): PolicyResult {
  const history: number[] = [];
  let remaining = [...releases];
  const result: PolicyResult = {
    windows: 0,
    releases: 0,
    warm: 0,
    warmAtP99: 0,
    instanceHours: 0,
    meanLeadMinutes: 0,
  };
  let leadSum = 0;
  while (remaining.length > 0) {
    const first = remaining[0] as Release;
    const drawn = drawFor(first.id, seed);
    // Plan the next two days the way the hourly calendar-sync would, with the history so far.
    const horizon = remaining.filter((release) => release.releaseAtMs <= first.releaseAtMs + 48 * HOUR_MS);
    // Oracle and naive60 take their lead as the endpoint's provisioning time with no history and
    // no margin: exactly the drawn time, or exactly 60 minutes.
    const settings = calendar.endpoints['manga-recs'] as EndpointSettings;
    const fixedLead = policy === 'oracle' ? drawn : 3600;
    const actions = planPrescale({
      releases: horizon,
      endpoints: {
        'manga-recs': policy === 'warmgate' ? settings : { ...settings, provisioningSeconds: fixedLead },
      },
      planner: {
        headroom: calendar.planner.headroom,
        leadMarginSeconds: policy === 'warmgate' ? marginSeconds : 0,
      },
      history: policy === 'warmgate' ? { 'manga-recs': history.slice(-HISTORY_WINDOW) } : {},
    });
    const action = actions.find((candidate) => candidate.releases.includes(first.id)) as PrescaleAction;
    const covered = new Set(action.releases);
    for (const id of action.releases) {
      const release = horizon.find((candidate) => candidate.id === id) as Release;
      result.releases++;
      if (action.raiseAtMs + drawn * 1000 <= release.releaseAtMs) result.warm++;
      if (action.raiseAtMs + p99Seconds * 1000 <= release.releaseAtMs) result.warmAtP99++;
    }
    result.windows++;
    leadSum += action.leadSeconds;
    result.instanceHours +=
      ((action.minCapacity - action.baseFloor) * (action.restoreAtMs - action.raiseAtMs)) / HOUR_MS;
    history.push(drawn);
    remaining = remaining.filter((release) => !covered.has(release.id));
  }
  result.meanLeadMinutes = leadSum / result.windows / MINUTE;
  return result;
}

function distribution(): {
  medianMinutes: number;
  meanMinutes: number;
  p95Minutes: number;
  p99Minutes: number;
  maxMinutes: number;
} {
  const random = mulberry32(seedOf('distribution'));
  const samples = Array.from({ length: 200_000 }, () => provisioningSeconds(random)).sort((a, b) => a - b);
  const at = (p: number) => (samples[Math.ceil(p * samples.length) - 1] as number) / MINUTE;
  return {
    medianMinutes: at(0.5),
    meanMinutes: samples.reduce((sum, value) => sum + value, 0) / samples.length / MINUTE,
    p95Minutes: at(0.95),
    p99Minutes: at(0.99),
    maxMinutes: (samples.at(-1) as number) / MINUTE,
  };
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

function summarise(result: PolicyResult, oracleHours: number) {
  return {
    windows: result.windows,
    releases: result.releases,
    warmShare: round(result.warm / result.releases, 4),
    warmShareAtP99: round(result.warmAtP99 / result.releases, 4),
    instanceHoursAboveFloor: round(result.instanceHours, 1),
    instanceHoursVsOracle: round(result.instanceHours / oracleHours),
    meanLeadMinutes: round(result.meanLeadMinutes, 1),
  };
}

function main(): void {
  const started = performance.now();
  const calendar = parseCalendarDocument(yearCalendarYaml(), 'yaml');
  const releases = expandReleases(calendar, { fromMs: YEAR_START, untilMs: YEAR_END });
  const parsedMs = performance.now() - started;

  const planStarted = performance.now();
  const yearPlan = planPrescale({ releases, endpoints: calendar.endpoints, planner: calendar.planner });
  const planMs = performance.now() - planStarted;

  const dist = distribution();
  const p99Seconds = dist.p99Minutes * MINUTE;
  const oracle = simulate('oracle', releases, calendar, 0, p99Seconds);
  const warmgate = simulate('warmgate', releases, calendar, calendar.planner.leadMarginSeconds, p99Seconds);
  const naive = simulate('naive60', releases, calendar, 0, p99Seconds);
  const sweep = MARGINS_MINUTES.map((minutes) => ({
    leadMarginMinutes: minutes,
    ...summarise(
      simulate('warmgate', releases, calendar, minutes * MINUTE, p99Seconds),
      oracle.instanceHours,
    ),
  }));

  // The same year under other provisioning draws: does the result hold beyond one lucky seed?
  const seeds = SEEDS.map((seed) => {
    const seedOracle = simulate('oracle', releases, calendar, 0, p99Seconds, seed);
    const seedWarmgate = simulate(
      'warmgate',
      releases,
      calendar,
      calendar.planner.leadMarginSeconds,
      p99Seconds,
      seed,
    );
    const summary = summarise(seedWarmgate, seedOracle.instanceHours);
    return {
      seed,
      warmShare: summary.warmShare,
      warmShareAtP99: summary.warmShareAtP99,
      instanceHoursVsOracle: summary.instanceHoursVsOracle,
    };
  });

  const overlapping = yearPlan.filter((action) => action.releases.length > 1).length;
  const results = {
    calendar: {
      releases: releases.length,
      specials: releases.filter((release) => release.ruleId.startsWith('special-')).length,
      mergedWindowsInYearPlan: overlapping,
      parseAndExpandMs: round(parsedMs, 1),
      planYearMs: round(planMs, 2),
    },
    provisioning: {
      model: 'lognormal(median 8 min, sigma 0.35), 3 % Pareto tail (xm 14 min, alpha 3)',
      ...Object.fromEntries(Object.entries(dist).map(([key, value]) => [key, round(value, 1)])),
    },
    planner: {
      headroom: calendar.planner.headroom,
      leadMarginMinutes: CHOSEN_MARGIN_MINUTES,
      configuredProvisioningMinutes: CONFIGURED_PROVISIONING_MINUTES,
      historyWindow: HISTORY_WINDOW,
    },
    policies: {
      warmgate: summarise(warmgate, oracle.instanceHours),
      naive60: summarise(naive, oracle.instanceHours),
      oracle: summarise(oracle, oracle.instanceHours),
    },
    marginSweep: sweep,
    seeds,
  };
  const targets = {
    warmgateWarmShareAtP99: 1,
    warmgateInstanceHoursVsOracleMax: 1.15,
    criterion: 'both targets on every seed',
  };
  const pass = seeds.every(
    (seed) =>
      seed.warmShareAtP99 >= targets.warmgateWarmShareAtP99 &&
      seed.instanceHoursVsOracle <= targets.warmgateInstanceHoursVsOracleMax,
  );
  const range = (values: number[]) => `${Math.min(...values)}–${Math.max(...values)}`;
  const headline = {
    'releases simulated (a year)': releases.length,
    'warm at release, drawn / p99 provisioning (per seed)': `${range(seeds.map((s) => s.warmShare))} / ${range(seeds.map((s) => s.warmShareAtP99))}`,
    'instance-hours ÷ oracle, warmgate (per seed)': range(seeds.map((s) => s.instanceHoursVsOracle)),
    'instance-hours ÷ oracle, fixed 60-min lead': results.policies.naive60.instanceHoursVsOracle,
  };
  const report = {
    name: 'prescale',
    command: 'node --import tsx bench/prescale.ts',
    measuredAt: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    headline,
    results,
    targets,
    pass,
  };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/prescale.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main();
