/**
 * bench/container-warmup-effectiveness: how slow is the first request after `/ping` says 200?
 *
 *   node --import tsx bench/container-warmup-effectiveness.ts
 *
 * For each warmup shape, a fresh container is started, the client polls `/ping` every 2 ms until
 * 200, then sends that shape's request once (the "first request"), then STEADY more; the ratio is
 * the first request's latency over the steady-state p50 (of the last STEADY - 10). Side by side:
 *
 * - full:   the multi-shape warmup from warmup.json (what ships);
 * - single: one dummy request of the first shape, then ready (a common half-measure);
 * - none:   ready as soon as the session exists.
 *
 * The steady requests are paced like the first one: each follows a `/ping` and a 2 ms pause, as
 * the first request follows the readiness polls. Measured on this machine, any request after an
 * idle pause costs more than a back-to-back one (a warm container answering after 100 ms idle
 * took ~1.8× its back-to-back time), and that wake-up cost is not what warmup can remove; the
 * back-to-back p50 is reported too. Latency is client-side over the keep-alive connection the
 * polls used, and the client's code is warmed on a throwaway container first. Modes are
 * interleaved per trial so that load from elsewhere on the machine weighs on all three.
 * Target: every shape's median ratio ≤ 1.25 with full warmup.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerLaunchCommand } from '../container/launch.js';
import { parseWarmupManifest } from '../core/warmup-manifest.js';
import {
  exampleModelDir,
  http,
  median,
  round,
  startContainer,
  untilReady,
  writeReport,
} from './container-harness.js';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 9);
const POLL_MS = 2;
const STEADY = 60;
const MODES = ['full', 'single', 'none'] as const;
type Mode = (typeof MODES)[number];

interface Trial {
  firstMs: number;
  p50Ms: number;
  backToBackP50Ms: number;
}

async function trial(modelDir: string, mode: Mode, body: string): Promise<Trial> {
  const c = await startContainer(modelDir, { extraArgs: ['--warmup', mode] });
  try {
    await untilReady(c.url, POLL_MS);
    const url = `${c.url}/invocations`;
    const first = await http(url, { method: 'POST', body });
    if (first.status !== 200) throw new Error(`first request answered ${first.status}: ${first.body}`);
    const paced: number[] = [];
    for (let i = 0; i < STEADY; i++) {
      await http(`${c.url}/ping`);
      await new Promise((r) => setTimeout(r, POLL_MS));
      paced.push((await http(url, { method: 'POST', body })).ms);
    }
    const backToBack: number[] = [];
    for (let i = 0; i < STEADY; i++) backToBack.push((await http(url, { method: 'POST', body })).ms);
    return {
      firstMs: first.ms,
      p50Ms: median(paced.slice(10)),
      backToBackP50Ms: median(backToBack.slice(10)),
    };
  } finally {
    await c.stop();
  }
}

async function main(): Promise<void> {
  const model = await exampleModelDir();
  try {
    containerLaunchCommand({ modelDir: model.dir, port: 1 });
    const manifest = parseWarmupManifest(JSON.parse(readFileSync(join(model.dir, 'warmup.json'), 'utf8')));
    const bodies = manifest.shapes.map((s) => ({ name: s.name, body: JSON.stringify(s.body) }));

    // Warm the client's own HTTP code on a throwaway container.
    const warm = await startContainer(model.dir);
    await untilReady(warm.url);
    for (let i = 0; i < 300; i++) {
      await http(`${warm.url}/invocations`, {
        method: 'POST',
        body: (bodies[i % bodies.length] as { body: string }).body,
      });
    }
    await warm.stop();

    const raw: Record<Mode, Record<string, (Trial & { ratio: number })[]>> = {
      full: {},
      single: {},
      none: {},
    };
    for (let t = 0; t < TRIALS; t++) {
      for (const shape of bodies) {
        for (const mode of MODES) {
          const r = await trial(model.dir, mode, shape.body);
          raw[mode][shape.name] ??= [];
          raw[mode][shape.name]?.push({
            firstMs: round(r.firstMs, 2),
            p50Ms: round(r.p50Ms, 2),
            backToBackP50Ms: round(r.backToBackP50Ms, 2),
            ratio: round(r.firstMs / r.p50Ms, 2),
          });
        }
      }
    }
    const summary = Object.fromEntries(
      MODES.map((mode) => [
        mode,
        Object.fromEntries(
          bodies.map(({ name }) => {
            const runs = raw[mode][name] ?? [];
            return [
              name,
              {
                medianRatio: round(median(runs.map((r) => r.ratio)), 2),
                medianFirstMs: round(median(runs.map((r) => r.firstMs)), 2),
                medianSteadyP50Ms: round(median(runs.map((r) => r.p50Ms)), 2),
                medianBackToBackP50Ms: round(median(runs.map((r) => r.backToBackP50Ms)), 2),
                medianRatioToBackToBack: round(median(runs.map((r) => r.firstMs / r.backToBackP50Ms)), 2),
              },
            ];
          }),
        ),
      ]),
    ) as unknown as Record<Mode, Record<string, { medianRatio: number; medianRatioToBackToBack: number }>>;
    const ratios = (mode: Mode) => bodies.map(({ name }) => summary[mode][name]?.medianRatio ?? Number.NaN);
    const worstFull = Math.max(...ratios('full'));
    writeReport({
      name: 'container-warmup-effectiveness',
      command: 'node --import tsx bench/container-warmup-effectiveness.ts',
      headline: {
        'first ÷ steady p50, full warmup': ratios('full').join(' / '),
        'single dummy request': ratios('single').join(' / '),
        'no warmup': ratios('none').join(' / '),
        'full warmup, over back-to-back p50': bodies
          .map(({ name }) => summary.full[name]?.medianRatioToBackToBack ?? Number.NaN)
          .join(' / '),
        shapes: bodies.map((b) => b.name).join(' / '),
      },
      results: {
        trialsPerShape: TRIALS,
        steadyRequests: STEADY,
        pollAndPaceMs: POLL_MS,
        summary,
        trials: raw,
      },
      targets: {
        maxFirstOverSteadyP50Full: 1.25,
        criterion: 'every shape: median over trials of first ÷ steady p50 ≤ 1.25 with full warmup',
      },
      pass: worstFull <= 1.25,
    });
  } finally {
    model.remove();
  }
}

await main();
process.exit(0);
