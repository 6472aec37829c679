/**
 * Builds the dashboard page with esbuild: `src/main.ts` (with uPlot and the styles it imports)
 * into `app.js` and `app.css`, next to a copy of `src/index.html`.
 *
 * Built on demand and cached: the output directory records a hash of every input, and a build
 * whose inputs have not changed is skipped. A fresh clone therefore needs no build step, and a
 * warm start costs one hash of a few files.
 *
 *   node --import tsx dashboard/build.ts [--out DIR]   (always rebuilds; the Lambda bundling uses it)
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, version as esbuildVersion } from 'esbuild';

const DASHBOARD_DIR = fileURLToPath(new URL('./', import.meta.url));
const SOURCE_DIR = join(DASHBOARD_DIR, 'src');
const REPO_ROOT = join(DASHBOARD_DIR, '..');

/** Where the local region keeps the built page (git-ignored). */
export const DEFAULT_PAGE_DIR = join(REPO_ROOT, 'dist', 'dashboard');

const KEY_FILE = '.build-key';

export interface DashboardBuild {
  /** The directory holding index.html, app.js and app.css. */
  readonly dir: string;
  /** False when the cached output was current and nothing was built. */
  readonly built: boolean;
  readonly ms: number;
}

async function inputKey(): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`esbuild ${esbuildVersion}\n`);
  const uplot = JSON.parse(
    await readFile(join(REPO_ROOT, 'node_modules', 'uplot', 'package.json'), 'utf8'),
  ) as { version: string };
  hash.update(`uplot ${uplot.version}\n`);
  hash.update(await readFile(fileURLToPath(import.meta.url)));
  // The page imports the API contract's types; its other inputs all live in src/.
  const files = [
    ...(await readdir(SOURCE_DIR, { recursive: true })).map((f) => join(SOURCE_DIR, String(f))),
    join(REPO_ROOT, 'functions', 'dashboard-api', 'api-contract.ts'),
  ].sort();
  for (const file of files) {
    const text = await readFile(file).catch(() => undefined);
    if (text) hash.update(`${file}\n`).update(text);
  }
  return hash.digest('hex');
}

/**
 * Builds the page into `outDir` unless the cached output there matches the current sources.
 * The output appears atomically (built beside it, then renamed), so a concurrent reader or a
 * second process building at the same moment never sees half a page.
 *
 * @throws Error with esbuild's messages when the page source does not compile.
 */
export async function buildDashboard(
  options: { readonly outDir?: string; readonly force?: boolean } = {},
): Promise<DashboardBuild> {
  const started = performance.now();
  const dir = options.outDir ?? DEFAULT_PAGE_DIR;
  const key = await inputKey();
  const cached = await readFile(join(dir, KEY_FILE), 'utf8').catch(() => '');
  if (!options.force && cached === key) return { dir, built: false, ms: performance.now() - started };

  const staging = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(staging, { recursive: true });
  try {
    await build({
      entryPoints: { app: join(SOURCE_DIR, 'main.ts') },
      outdir: staging,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: ['chrome120', 'firefox120', 'safari17'],
      minify: true,
      sourcemap: 'linked',
      legalComments: 'linked',
      logLevel: 'silent',
    });
    await cp(join(SOURCE_DIR, 'index.html'), join(staging, 'index.html'));
    await writeFile(join(staging, KEY_FILE), key);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir).catch(async (error: unknown) => {
      // Another process finished the same build first; its output is as good as ours.
      if ((await readFile(join(dir, KEY_FILE), 'utf8').catch(() => '')) !== key) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { dir, built: true, ms: performance.now() - started };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outFlag = process.argv.indexOf('--out');
  const outDir = outFlag === -1 ? undefined : process.argv[outFlag + 1];
  const result = await buildDashboard({ force: true, ...(outDir ? { outDir } : {}) });
  console.log(`dashboard built in ${Math.round(result.ms)} ms: ${result.dir}`);
}
