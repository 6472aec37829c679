/**
 * Lambda bundles: the minified size and the cold module init of every warmgate Lambda, measured on
 * the bundles the CDK stack stages for deployment (not a re-creation of them), against a naive
 * baseline. Targets (issue 4): each bundle <= 400 KB minified, module init <= 120 ms.
 *
 *   node --import tsx bench/lambda-bundles.ts [--runs 9]
 *
 * - size: `index.mjs` as staged in the cloud assembly, plus its deflated size (what the zip holds);
 * - init: a fresh `node` process per run, with only the Lambda's environment, timing
 *   `await import(bundle)` (parse, evaluate, construct SDK clients); the median of the runs;
 * - attribution: esbuild's metafile of the same bundle, bytes per package, to name what dominates;
 * - what-if: the same handler bundled with a proposed change applied in memory (WHAT_IFS below),
 *   to put a number on each remedy before anyone edits functions/ or core/;
 * - baseline: every handler in one bundle, esbuild's defaults for Node (CommonJS builds of
 *   dependencies first), the way a first attempt bundles a Lambda package.
 *
 * This machine is x86-64 with Node 20; Lambda runs the bundles on arm64 with Node 24, so the init
 * numbers compare bundles with each other, not with a production cold start.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import {
  CREATE_REQUIRE_BANNER,
  LAMBDA_RUNTIME,
  lambdaBuildOptions,
  REPO_ROOT,
} from '../infra/lambda-bundling.js';
import { readTemplate, stagedLambdaBundles, standInEnvironment } from '../infra/synthesized-assets.js';
import { buildWarmgateApp } from '../infra/warmgate-app.js';

const run = promisify(execFile);
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 9;
const TARGETS = { maxBundleKiB: 400, maxInitMs: 120 };
const KiB = 1024;

interface BundleMeasure {
  readonly kib: number;
  readonly deflatedKiB: number;
  readonly initMs: { readonly median: number; readonly min: number; readonly max: number };
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** One `await import(bundle)`, timed inside a fresh process whose environment is only `env`. */
async function importOnce(bundle: string, env: Record<string, string>): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(bundle)}); process.stdout.write(String(performance.now() - t));`;
  const { stdout } = await run(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', ...env },
  }).catch((error: { stderr?: string }) => {
    const lines = (error.stderr ?? '').split('\n').filter((line) => /^\w*Error\b/.test(line));
    throw new Error(`importing ${bundle} failed: ${lines.at(-1) ?? 'no error line'}`);
  });
  return Number(stdout);
}

/**
 * Measures several bundles of the same handler, their runs interleaved (A B C, A B C, …), so that
 * whatever else the machine is doing meanwhile weighs on each of them alike and the comparison
 * holds even when the absolute numbers do not.
 */
async function measureAll(bundles: readonly string[], env: Record<string, string>): Promise<BundleMeasure[]> {
  const times = bundles.map(() => [] as number[]);
  // One discarded round first: it reads the files into the page cache, which a Lambda cold start
  // pays when it unpacks the zip, not when it imports the module.
  for (let round = 0; round <= RUNS; round += 1) {
    for (const [i, bundle] of bundles.entries()) {
      const ms = await importOnce(bundle, env);
      if (round > 0) times[i]?.push(ms);
    }
  }
  return bundles.map((bundle, i) => {
    const bytes = readFileSync(bundle);
    const t = times[i] ?? [];
    return {
      kib: round(bytes.length / KiB),
      deflatedKiB: round(deflateRawSync(bytes).length / KiB),
      initMs: { median: round(median(t)), min: round(Math.min(...t)), max: round(Math.max(...t)) },
    };
  });
}

/** Output bytes per npm package (or first-party folder), largest first. */
function attribution(metafile: Metafile, top = 6): Array<{ source: string; kib: number }> {
  const bySource = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
      const source = pkg ?? `${path.split('/')[0]}/ (first-party)`;
      bySource.set(source, (bySource.get(source) ?? 0) + input.bytesInOutput);
    }
  }
  return [...bySource.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([source, bytes]) => ({ source, kib: round(bytes / KiB) }));
}

/** Bundles of the same handler with a proposed change applied in memory (nothing is edited). */
// Empty for now. The last one, withoutCalendarParsers (yaml and ical.js left out of calendar-sync:
// 394 KiB), was applied: calendar parsing runs in read-calendar, scheduling in sync-schedules.
const WHAT_IFS: ReadonlyArray<{ key: string; change: string; plugins: Plugin[] }> = [];

/** What the README table shows: the range of the staged bundles, the worst, and the remedies. */
function headline(
  measures: ReadonlyMap<string, { shipped: BundleMeasure; best: BundleMeasure | undefined }>,
  naive: BundleMeasure,
): Record<string, string> {
  const entries = [...measures.entries()];
  const range = (values: number[], unit: string) =>
    `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))} ${unit}`;
  const worst = (pick: (m: BundleMeasure) => number) =>
    entries.reduce((a, b) => (pick(b[1].shipped) > pick(a[1].shipped) ? b : a));
  const [largest, largestMeasure] = worst((m) => m.kib);
  const [slowest, slowestMeasure] = worst((m) => m.initMs.median);
  return {
    [`staged bundles (${entries.length})`]: `${range(
      entries.map(([, m]) => m.shipped.kib),
      'KiB',
    )}, init ${range(
      entries.map(([, m]) => m.shipped.initMs.median),
      'ms',
    )}`,
    'largest / slowest': `${largest} ${largestMeasure.shipped.kib} KiB / ${slowest} ${slowestMeasure.shipped.initMs.median} ms`,
    ...(WHAT_IFS.length === 0
      ? {}
      : {
          [`best what-if (${WHAT_IFS.at(-1)?.key})`]: `${range(
            entries.flatMap(([, m]) => (m.best ? [m.best.kib] : [])),
            'KiB',
          )}, ${entries.filter(([, m]) => m.best && m.best.kib <= TARGETS.maxBundleKiB).length} of ${entries.length} within 400 KiB`,
        }),
    'naive baseline': `${naive.kib} KiB, init ${naive.initMs.median} ms`,
  };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'warmgate-bundles-'));
  try {
    const assembly = join(work, 'cdk.out');
    const loadAtStart = loadavg().map((load) => round(load, 2));
    const started = performance.now();
    buildWarmgateApp({ outdir: assembly, bundleMetafile: true }).app.synth();
    const synthSeconds = round((performance.now() - started) / 1000);
    const template = readTemplate(assembly, 'Warmgate');
    const bundles = stagedLambdaBundles(assembly, 'Warmgate');

    const environments = new Map<string, Record<string, string>>();
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const props = resource.Properties as {
        FunctionName: string;
        Environment: { Variables: Record<string, unknown> };
      };
      environments.set(props.FunctionName, standInEnvironment(props.Environment.Variables));
    }

    const functions: Record<string, unknown> = {};
    const measures = new Map<string, { shipped: BundleMeasure; best: BundleMeasure | undefined }>();
    const allEnv: Record<string, string> = {};
    let pass = true;
    console.log(
      `${'function'.padEnd(28)} ${['staged', ...WHAT_IFS.map((w) => w.key)].map((k) => k.slice(0, 21).padEnd(21)).join(' | ')}`,
    );
    for (const [name, dir] of [...bundles.entries()].sort()) {
      const env = environments.get(name) ?? {};
      Object.assign(allEnv, env);
      const metafile = JSON.parse(readFileSync(join(dir, 'index.meta.json'), 'utf8')) as Metafile;
      const step = name.replace(/^warmgate-/, '');
      const whatIfFiles: string[] = [];
      for (const whatIf of WHAT_IFS) {
        const file = join(work, `${step}-${whatIf.key}.mjs`);
        await build({
          ...lambdaBuildOptions(),
          entryPoints: [join(REPO_ROOT, 'functions', step, 'handler.ts')],
          outfile: file,
          plugins: whatIf.plugins,
        });
        whatIfFiles.push(file);
      }
      const [shipped, ...measured] = await measureAll([join(dir, 'index.mjs'), ...whatIfFiles], env);
      if (!shipped) throw new Error(`${name}: nothing measured`);
      const whatIfs = Object.fromEntries(WHAT_IFS.map((w, i) => [w.key, measured[i]]));
      const withinTargets = shipped.kib <= TARGETS.maxBundleKiB && shipped.initMs.median <= TARGETS.maxInitMs;
      pass &&= withinTargets;
      functions[name] = { ...shipped, withinTargets, largestSources: attribution(metafile), whatIf: whatIfs };
      measures.set(name, { shipped, best: measured.at(-1) });
      const cells = [shipped, ...measured].map(
        (m) => `${String(m?.kib).padStart(6)} KiB ${String(m?.initMs.median).padStart(6)} ms`,
      );
      console.log(`${name.padEnd(28)} ${cells.join(' | ')}`);
    }

    const naiveFile = join(work, 'naive.mjs');
    await build({
      stdin: {
        contents: [...bundles.keys()]
          .map(
            (name, i) => `export * as h${i} from './functions/${name.replace(/^warmgate-/, '')}/handler.ts';`,
          )
          .join('\n'),
        resolveDir: REPO_ROOT,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      minify: true,
      // With CommonJS builds first, dependencies require() Node built-ins, which ESM output can
      // only serve through a real `require`.
      banner: { js: CREATE_REQUIRE_BANNER },
      outfile: naiveFile,
      logLevel: 'silent',
    });
    const [naive] = await measureAll([naiveFile], allEnv);
    if (!naive) throw new Error('baseline: nothing measured');
    console.log(
      `${'naive: all handlers, one bundle'.padEnd(28)} ${naive.kib} KiB  init ${naive.initMs.median} ms`,
    );

    const report = {
      name: 'lambda-bundles',
      command: 'node --import tsx bench/lambda-bundles.ts',
      measuredAt: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, loadAverage: loadAtStart },
      headline: headline(measures, naive),
      results: {
        lambdaRuntime: LAMBDA_RUNTIME.name,
        runsPerMeasure: RUNS,
        // Other work on this shared machine inflates init times; the variants of one handler are
        // measured interleaved, so they stay comparable with each other.
        loadAverage1mAtEnd: round(loadavg()[0] ?? 0, 2),
        synthSeconds,
        whatIfChanges: Object.fromEntries(WHAT_IFS.map((w) => [w.key, w.change])),
        functions,
        baseline: {
          description:
            'all handlers in one bundle, esbuild defaults for node (main before module), createRequire banner',
          ...naive,
        },
      },
      targets: {
        ...TARGETS,
        criterion: 'every staged bundle: minified size and median module init within the targets',
      },
      pass,
    };
    const results = new URL('./results/', import.meta.url);
    mkdirSync(results, { recursive: true });
    writeFileSync(new URL('lambda-bundles.json', results), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`pass: ${pass} (targets: <= ${TARGETS.maxBundleKiB} KiB, init <= ${TARGETS.maxInitMs} ms)`);
    if (statSync(join(REPO_ROOT, 'scripts', 'bench-readme.js'), { throwIfNoEntry: false })) {
      await run(process.execPath, [join(REPO_ROOT, 'scripts', 'bench-readme.js')]);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
