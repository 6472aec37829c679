/**
 * The container as an esbuild bundle: `main.mjs` and `inference-worker.mjs`, side by side.
 *
 * Started through tsx, a container instance spends about 300 ms more before its first `/ping`
 * 200 than started from this bundle (bench/results/container-time-to-ready.json has the
 * numbers), because tsx compiles every TypeScript file at start, in the main thread and again
 * in the worker. The local region starts many instances, so it runs the bundle, built on demand
 * and cached by a hash of the sources. The Docker image builds the same bundle once.
 *
 * onnxruntime-node stays external: it is a native addon, resolved from node_modules at run time.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Folders whose sources the container bundle may include. */
const SOURCE_DIRS = ['container', 'core'];

type EsbuildModule = typeof import('esbuild');

function esbuild(): EsbuildModule {
  return createRequire(import.meta.url)('esbuild') as EsbuildModule;
}

/** Builds the bundle into `outDir` (created). Synchronous, about 0.3 s. */
export function buildContainerBundle(outDir: string, options: { minify?: boolean } = {}): void {
  mkdirSync(outDir, { recursive: true });
  esbuild().buildSync({
    absWorkingDir: REPO_ROOT,
    entryPoints: [
      join(REPO_ROOT, 'container/main.ts'),
      join(REPO_ROOT, 'container/recommender/inference-worker.ts'),
    ],
    outdir: outDir,
    entryNames: '[name]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    // Flat: worker-start.ts finds inference-worker.mjs next to whichever chunk holds it.
    chunkNames: '[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['onnxruntime-node'],
    minify: options.minify ?? true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out.sort();
}

/** A hash of everything that changes the bundle: sources, esbuild's version, the lockfile. */
export function containerSourceHash(): string {
  const hash = createHash('sha256');
  hash.update(esbuild().version);
  const lock = join(REPO_ROOT, 'package-lock.json');
  if (existsSync(lock)) hash.update(readFileSync(lock));
  for (const dir of SOURCE_DIRS) {
    for (const file of sourceFiles(join(REPO_ROOT, dir))) {
      hash.update(file.slice(REPO_ROOT.length));
      hash.update(readFileSync(file));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** A day: an instance still running from an older bundle may yet start a replacement worker from it. */
const KEEP_OLD_BUNDLES_MS = 24 * 60 * 60 * 1000;

/** Removes bundles of older sources, once nothing plausibly runs from them any more. */
function pruneOldBundles(root: string, current: string): void {
  const now = Date.now();
  for (const name of readdirSync(root)) {
    if (name === current) continue;
    const path = join(root, name);
    try {
      if (now - statSync(path).mtimeMs > KEEP_OLD_BUNDLES_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Pruning is best effort; another process may be removing the same folder.
    }
  }
}

let cached: { hash: string; entry: string } | undefined;

/**
 * The bundle's `main.mjs` for the current sources, built under `.warmgate/container-bundle/<hash>/`
 * when missing. Concurrent builders do not collide: each writes to its own temporary folder and
 * renames it into place.
 */
export function ensureContainerBundle(): string {
  const hash = containerSourceHash();
  if (cached?.hash === hash) return cached.entry;
  const root = join(REPO_ROOT, '.warmgate', 'container-bundle');
  const dir = join(root, hash);
  const entry = join(dir, 'main.mjs');
  if (!existsSync(entry)) {
    const tmp = join(root, `.tmp-${hash}-${process.pid}-${Date.now()}`);
    buildContainerBundle(tmp);
    try {
      renameSync(tmp, dir);
    } catch {
      // Another process renamed its build into place first; theirs is identical.
      rmSync(tmp, { recursive: true, force: true });
    }
    pruneOldBundles(root, hash);
  }
  cached = { hash, entry };
  return entry;
}

// `node --import tsx container/bundle.ts OUTDIR`: the Docker build's bundling step.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2];
  if (!outDir) {
    process.stderr.write('usage: container/bundle.ts OUTDIR\n');
    process.exit(2);
  }
  buildContainerBundle(resolve(outDir));
  process.stdout.write(`container bundle written to ${resolve(outDir)}\n`);
}
