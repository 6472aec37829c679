/**
 * How to start one container instance as a child process, from any working directory.
 *
 * The local region spawns exactly this command line per instance. It runs the esbuild bundle
 * of the container (built on demand, cached by source hash, see bundle.ts), because starting
 * from TypeScript through tsx roughly doubles the time to the first `/ping` 200. Set
 * `WARMGATE_CONTAINER_RUNTIME=tsx` to run the sources directly instead.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureContainerBundle } from './bundle.js';

export interface ContainerLaunchOptions {
  readonly modelDir: string;
  readonly port: number;
  /** false adds `--no-gate` (the naive baseline, benchmarks only). Default true. */
  readonly gate?: boolean;
  /** Extra container arguments, e.g. `['--warmup', 'single']` for benchmarks. */
  readonly extraArgs?: readonly string[];
  /** `bundle` (default) or `tsx`; defaults to WARMGATE_CONTAINER_RUNTIME, then `bundle`. */
  readonly runtime?: 'bundle' | 'tsx';
}

export interface ContainerLaunchCommand {
  readonly command: string;
  readonly args: string[];
}

/** The repository root (the folder holding container/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function tsxLoader(): string {
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  return pathToFileURL(join(tsxDir, 'dist/loader.mjs')).href;
}

/**
 * The program and arguments that start one instance on `port` serving `modelDir`. All paths are
 * absolute. May build the bundle first (about 0.3 s, once per source change).
 */
export function containerLaunchCommand(options: ContainerLaunchOptions): ContainerLaunchCommand {
  const runtime = options.runtime ?? (process.env.WARMGATE_CONTAINER_RUNTIME === 'tsx' ? 'tsx' : 'bundle');
  const program =
    runtime === 'tsx'
      ? ['--import', tsxLoader(), join(REPO_ROOT, 'container', 'main.ts')]
      : [ensureContainerBundle()];
  const args = [...program, '--model-dir', resolve(options.modelDir), '--port', String(options.port)];
  if (options.gate === false) args.push('--no-gate');
  args.push(...(options.extraArgs ?? []));
  return { command: process.execPath, args };
}
