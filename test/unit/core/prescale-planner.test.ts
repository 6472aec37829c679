import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EndpointSettings, PlannerSettings, Release } from '../../../core/calendar/calendar.js';
import { parseCalendarDocument } from '../../../core/calendar/calendar-document.js';
import { planCalendar } from '../../../core/calendar-plan.js';
import type { Floor } from '../../../core/floor.js';
import type { EndpointName } from '../../../core/names.js';
import { planJson } from '../../../core/plan-releases.js';
import {
  leadSeconds,
  MIN_HISTORY_SAMPLES,
  percentile,
  planPrescale,
  targetInstances,
} from '../../../core/prescale-planner.js';

const MIN = 60_000;
const T0 = Date.parse('2025-06-07T15:00:00Z');
const recs = 'manga-recs' as EndpointName;
const settings: EndpointSettings = {
  endpoint: recs,
  floor: 2 as Floor,
  max: 8,
  perInstanceCapacity: 80,
  provisioningSeconds: 12 * 60,
};
const planner: PlannerSettings = { headroom: 1.25, leadMarginSeconds: 600 };

function release(id: string, atMs: number, overrides: Partial<Release> = {}): Release {
  return {
    id,
    ruleId: id,
    series: 'One Piece',
    releaseAtMs: atMs,
    timezone: 'Asia/Tokyo',
    localTime: '',
    endpoints: [recs],
    peakRequestsPerSecond: 480,
    holdSeconds: 7200,
    ...overrides,
  };
}

describe('targetInstances', () => {
  it('is ceil(peak ÷ capacity × headroom) when that fits between floor and max', () => {
    expect(targetInstances(240, settings, 1.25)).toEqual({ instances: 4, capped: false });
    expect(targetInstances(480, settings, 1.25)).toEqual({ instances: 8, capped: false });
  });

  it('stops at max and says so when the forecast needs more', () => {
    expect(targetInstances(2000, settings, 1.25)).toEqual({ instances: 8, capped: true });
  });

  it('stays at the floor when the forecast is small', () => {
    expect(targetInstances(1, settings, 1.25)).toEqual({ instances: 2, capped: false });
  });

  it('does not buy an instance for a floating-point rounding error', () => {
    // 0.1 × 3 is 0.30000000000000004 in binary floating point.
    expect(targetInstances(0.1 * 3 * 80, { ...settings, max: 50 }, 10).instances).toBe(3);
  });
});

describe('leadSeconds', () => {
  it('uses the configured provisioning time plus margin when nothing was observed', () => {
    expect(leadSeconds(settings, planner)).toBe(12 * 60 + 600);
  });

  it('uses the p95 of observed durations plus margin when history exists', () => {
    const minutes = Array.from({ length: 20 }, (_, index) => (index + 1) * 60);
    expect(leadSeconds(settings, planner, minutes)).toBe(19 * 60 + 600);
  });

  it('keeps the configured time as the floor of the lead while history is thin', () => {
    expect(percentile([300, 900, 400], 95)).toBe(900);
    expect(leadSeconds(settings, planner, [300, 400, Number.NaN, -5])).toBe(12 * 60 + 600);
    expect(leadSeconds(settings, planner, [300, 1500])).toBe(1500 + 600);
  });

  it('trusts history below the configured time once it has enough samples', () => {
    const fast = Array.from({ length: MIN_HISTORY_SAMPLES }, () => 300);
    expect(leadSeconds(settings, planner, fast)).toBe(300 + 600);
    expect(leadSeconds(settings, planner, fast.slice(1))).toBe(12 * 60 + 600);
  });
});

describe('planPrescale', () => {
  it('raises 22 minutes before a Sunday 00:00 JST drop and restores after the hold', () => {
    const [action] = planPrescale({
      releases: [release('op', T0)],
      endpoints: { [recs]: settings },
      planner,
    });
    expect(action).toMatchObject({
      endpoint: recs,
      releases: ['op'],
      releaseAtMs: T0,
      raiseAtMs: T0 - 22 * MIN,
      restoreAtMs: T0 + 120 * MIN,
      minCapacity: 8,
      baseFloor: 2,
      late: false,
    });
  });

  it('merges overlapping windows into one: highest capacity, earliest raise, latest restore', () => {
    const actions = planPrescale({
      releases: [
        release('special', T0 + 60 * MIN, { peakRequestsPerSecond: 240, holdSeconds: 7200 }),
        release('op', T0, { holdSeconds: 3600 }),
      ],
      endpoints: { [recs]: settings },
      planner,
    });
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({
      releases: ['op', 'special'],
      raiseAtMs: T0 - 22 * MIN,
      restoreAtMs: T0 + 180 * MIN,
      minCapacity: 8,
    });
  });

  it('merges windows that only touch, and keeps windows with a gap apart', () => {
    const touching = T0 + 120 * MIN + 22 * MIN;
    const merged = planPrescale({
      releases: [release('a', T0), release('b', touching)],
      endpoints: { [recs]: settings },
      planner,
    });
    expect(merged.map((action) => action.releases)).toEqual([['a', 'b']]);
    const apart = planPrescale({
      releases: [release('a', T0), release('b', touching + 1)],
      endpoints: { [recs]: settings },
      planner,
    });
    expect(apart.map((action) => action.releases)).toEqual([['a'], ['b']]);
  });

  it('drops finished windows and raises at once, marked late, when the raise time has passed', () => {
    const actions = planPrescale({
      releases: [release('done', T0 - 7 * 24 * 60 * MIN), release('soon', T0)],
      endpoints: { [recs]: settings },
      planner,
      nowMs: T0 - 5 * MIN,
    });
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ releases: ['soon'], raiseAtMs: T0 - 5 * MIN, late: true });
  });

  it('refuses a release for an endpoint that has no settings', () => {
    expect(() => planPrescale({ releases: [release('op', T0)], endpoints: {}, planner })).toThrow(
      /manga-recs/,
    );
  });
});

describe('planPrescale properties', () => {
  const endpointNames = ['a', 'b'] as EndpointName[];
  const settingsArb = fc
    .record({
      floor: fc.integer({ min: 2, max: 6 }),
      extra: fc.integer({ min: 0, max: 20 }),
      perInstanceCapacity: fc.double({ min: 1, max: 200, noNaN: true }),
      provisioningSeconds: fc.integer({ min: 60, max: 3600 }),
    })
    .map(({ floor, extra, ...rest }) => ({ floor: floor as Floor, max: floor + extra, ...rest }));
  const releasesArb = fc.array(
    fc.record({
      offsetMinutes: fc.integer({ min: 0, max: 14 * 24 * 60 }),
      holdMinutes: fc.integer({ min: 1, max: 240 }),
      peak: fc.double({ min: 0.1, max: 5000, noNaN: true }),
      endpoints: fc.subarray(endpointNames, { minLength: 1 }),
    }),
    { maxLength: 30 },
  );
  const inputArb = fc.record({
    a: settingsArb,
    b: settingsArb,
    releases: releasesArb,
    headroom: fc.double({ min: 1, max: 3, noNaN: true }),
    margin: fc.integer({ min: 0, max: 3600 }),
    historyA: fc.array(fc.integer({ min: 0, max: 7200 }), { maxLength: 40 }),
    nowOffsetMinutes: fc.option(fc.integer({ min: -24 * 60, max: 14 * 24 * 60 }), { nil: undefined }),
  });

  it('never goes below the floor or above max, and never below 2, for any calendar', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const scenario = build(input);
        for (const action of planPrescale(scenario)) {
          const own = scenario.endpoints[action.endpoint] as EndpointSettings;
          expect(action.baseFloor).toBeGreaterThanOrEqual(2);
          expect(action.minCapacity).toBeGreaterThanOrEqual(own.floor);
          expect(action.minCapacity).toBeLessThanOrEqual(own.max);
          expect(Number.isInteger(action.minCapacity)).toBe(true);
        }
      }),
    );
  });

  it('covers every release at its target from its raise until its hold ends', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const scenario = build(input);
        const actions = planPrescale(scenario);
        for (const r of scenario.releases) {
          const holdEndMs = r.releaseAtMs + r.holdSeconds * 1000;
          if (scenario.nowMs !== undefined && holdEndMs <= scenario.nowMs) continue;
          for (const endpoint of r.endpoints) {
            const own = scenario.endpoints[endpoint] as EndpointSettings;
            const lead = leadSeconds(own, scenario.planner, scenario.history[endpoint]);
            const due = Math.max(r.releaseAtMs - lead * 1000, scenario.nowMs ?? Number.NEGATIVE_INFINITY);
            const covering = actions.filter(
              (action) =>
                action.endpoint === endpoint && action.raiseAtMs <= due && action.restoreAtMs >= holdEndMs,
            );
            expect(covering).toHaveLength(1);
            expect(covering[0]?.releases).toContain(r.id);
            const target = targetInstances(r.peakRequestsPerSecond, own, scenario.planner.headroom).instances;
            expect(covering[0]?.minCapacity).toBeGreaterThanOrEqual(target);
          }
        }
      }),
    );
  });

  it('leaves a real gap between the windows of one endpoint and raises no higher than its releases need', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const scenario = build(input);
        const actions = planPrescale(scenario);
        for (const endpoint of endpointNames) {
          const own = actions.filter((action) => action.endpoint === endpoint);
          for (let index = 1; index < own.length; index++) {
            expect((own[index - 1] as (typeof own)[number]).restoreAtMs).toBeLessThan(
              (own[index] as (typeof own)[number]).raiseAtMs,
            );
          }
          for (const action of own) {
            const needed = action.releases.map((id) => {
              const r = scenario.releases.find((candidate) => candidate.id === id) as Release;
              const endpointSettings = scenario.endpoints[endpoint] as EndpointSettings;
              return targetInstances(r.peakRequestsPerSecond, endpointSettings, scenario.planner.headroom)
                .instances;
            });
            expect(action.minCapacity).toBe(Math.max(...needed));
          }
        }
      }),
    );
  });

  function build(input: InputShape) {
    const endpoints: Record<string, EndpointSettings> = {
      a: { endpoint: 'a' as EndpointName, ...input.a },
      b: { endpoint: 'b' as EndpointName, ...input.b },
    };
    const releases = input.releases.map((r, index) =>
      release(`r${index}`, T0 + r.offsetMinutes * MIN, {
        holdSeconds: r.holdMinutes * 60,
        peakRequestsPerSecond: r.peak,
        endpoints: r.endpoints,
      }),
    );
    return {
      releases,
      endpoints,
      planner: { headroom: input.headroom, leadMarginSeconds: input.margin },
      history: { a: input.historyA } as Record<string, number[]>,
      ...(input.nowOffsetMinutes === undefined ? {} : { nowMs: T0 + input.nowOffsetMinutes * MIN }),
    };
  }

  type InputShape = {
    a: Omit<EndpointSettings, 'endpoint'>;
    b: Omit<EndpointSettings, 'endpoint'>;
    releases: { offsetMinutes: number; holdMinutes: number; peak: number; endpoints: EndpointName[] }[];
    headroom: number;
    margin: number;
    historyA: number[];
    nowOffsetMinutes: number | undefined;
  };
});

describe('planCalendar', () => {
  const calendar = parseCalendarDocument(
    `
planner: { headroom: 1.25, leadMarginMinutes: 10 }
endpoints:
  manga-recs: { floor: 2, max: 8, perInstanceCapacity: 80, provisioningMinutes: 12 }
  search: { floor: 3, max: 6, perInstanceCapacity: 100, provisioningMinutes: 5 }
releases:
  - id: one-piece
    series: One Piece
    localTime: 2025-06-01T00:00
    timezone: Asia/Tokyo
    repeat: FREQ=WEEKLY;BYDAY=SU
    endpoints: [manga-recs, search]
    peak: 480
    holdMinutes: 120
  - id: us-weekly
    series: US simulpub
    localTime: 2025-03-02T09:00
    timezone: America/New_York
    repeat: FREQ=WEEKLY;COUNT=3
    endpoints: [manga-recs]
    peak: 240
    holdMinutes: 60
`,
    'yaml',
  );

  it('raises at 23:38 JST on Saturday for the Sunday 00:00 JST drop', () => {
    const json = planJson(
      planCalendar(calendar, {
        nowMs: Date.parse('2025-06-02T00:00:00Z'),
        untilMs: Date.parse('2025-06-09T00:00:00Z'),
        endpoint: recs,
      }),
    );
    expect(json).toEqual({
      actions: [
        {
          endpoint: 'manga-recs',
          releases: ['one-piece-20250608T0000'],
          releaseAt: '2025-06-07T15:00:00Z',
          raiseAt: '2025-06-07T14:38:00Z',
          restoreAt: '2025-06-07T17:00:00Z',
          minCapacity: 8,
        },
      ],
    });
  });

  it('keeps a US release at 09:00 New York time when daylight saving starts', () => {
    const actions = planCalendar(calendar, {
      nowMs: Date.parse('2025-03-01T00:00:00Z'),
      untilMs: Date.parse('2025-03-20T00:00:00Z'),
    });
    expect(planJson(actions).actions.map((action) => [action.releases[0], action.raiseAt])).toEqual([
      ['us-weekly-20250302T0900', '2025-03-02T13:38:00Z'],
      ['us-weekly-20250309T0900', '2025-03-09T12:38:00Z'],
      ['us-weekly-20250316T0900', '2025-03-16T12:38:00Z'],
    ]);
  });

  it('plans each endpoint with its own floor and lead when a release hits two endpoints', () => {
    const actions = planCalendar(calendar, {
      nowMs: Date.parse('2025-06-02T00:00:00Z'),
      untilMs: Date.parse('2025-06-09T00:00:00Z'),
    });
    expect(actions.map((action) => [action.endpoint, action.minCapacity, action.leadSeconds])).toEqual([
      ['manga-recs', 8, 1320],
      ['search', 6, 900],
    ]);
  });

  it('refuses an endpoint the calendar does not know, and an until before now', () => {
    const nowMs = Date.parse('2025-06-02T00:00:00Z');
    expect(() =>
      planCalendar(calendar, { nowMs, untilMs: nowMs + 1, endpoint: 'other' as EndpointName }),
    ).toThrow(/endpoint: other is not in the calendar/);
    expect(() => planCalendar(calendar, { nowMs, untilMs: nowMs })).toThrow(/until/);
  });
});
