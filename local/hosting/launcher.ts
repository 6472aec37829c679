/** How to start one container instance: the program, its arguments and extra environment. */
export interface LaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** Options for one instance, as the container CLI takes them. */
export interface LaunchOptions {
  readonly modelDir: string;
  readonly port: number;
  /** False starts the container with `--no-gate` (the naive baseline in benchmarks). */
  readonly gate: boolean;
}

/** Builds the command line for one instance. The default is container/launch.ts. */
export type Launcher = (options: LaunchOptions) => LaunchSpec;

/**
 * The repository's own container launcher, loaded on first use: container/ is built separately,
 * and the region's API layer must not depend on it until an instance is actually started.
 */
export async function defaultLauncher(): Promise<Launcher> {
  const module = (await import('../../container/launch.js')) as {
    containerLaunchCommand: Launcher;
  };
  return module.containerLaunchCommand;
}
