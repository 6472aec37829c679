/**
 * How to start one container instance as a child process, from any working directory.
 *
 * The local region spawns exactly this command line per instance. Paths are absolute, so the
 * child does not depend on the parent's cwd.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ContainerLaunchOptions {
  readonly modelDir: string;
  readonly port: number;
  /** false adds `--no-gate` (the naive baseline, benchmarks only). Default true. */
  readonly gate?: boolean;
  /** Extra container arguments, e.g. `['--warmup', 'single']` for benchmarks. */
  readonly extraArgs?: readonly string[];
}

export interface ContainerLaunchCommand {
  readonly command: string;
  readonly args: string[];
}

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root (the folder holding container/). */
export const REPO_ROOT = resolve(here, '..');

function tsxLoader(): string {
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  return pathToFileURL(join(tsxDir, 'dist/loader.mjs')).href;
}

/** The program and arguments that start one instance on `port` serving `modelDir`. */
export function containerLaunchCommand(options: ContainerLaunchOptions): ContainerLaunchCommand {
  const args = [
    '--import',
    tsxLoader(),
    join(REPO_ROOT, 'container', 'main.ts'),
    '--model-dir',
    resolve(options.modelDir),
    '--port',
    String(options.port),
  ];
  if (options.gate === false) args.push('--no-gate');
  args.push(...(options.extraArgs ?? []));
  return { command: process.execPath, args };
}
