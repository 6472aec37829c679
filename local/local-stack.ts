import {
  type ControlPlane,
  type ControlPlaneOptions,
  installControlPlane,
} from './control-plane/install-control-plane.js';
import { type LocalRegion, type RegionOptions, startRegion } from './region.js';

/** The whole local deployment: the region's AWS APIs plus warmgate's own control plane in it. */
export interface LocalStack {
  readonly region: LocalRegion;
  readonly controlPlane: ControlPlane;
  /** Ends executions, then every instance process, then the server. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the local region and installs the control plane (tables, Lambdas, state machines) in
 * it: what `warmgate local` and `npm start` run, and what integration tests start.
 * If installing fails, the region is closed again so no child process outlives the error.
 */
export async function startLocalStack(
  options: RegionOptions & ControlPlaneOptions = {},
): Promise<LocalStack> {
  const { pollSeconds, calendarUrl, warmupUrl, calendarSyncEveryMs, ...regionOptions } = options;
  const region = await startRegion(regionOptions);
  try {
    const controlPlane = await installControlPlane(region, {
      ...(pollSeconds ? { pollSeconds } : {}),
      ...(calendarUrl ? { calendarUrl } : {}),
      ...(warmupUrl ? { warmupUrl } : {}),
      ...(calendarSyncEveryMs === undefined ? {} : { calendarSyncEveryMs }),
    });
    // Executions stop before instances do, so no step runs against a half-closed region.
    region.onClose(() => controlPlane.close());
    return { region, controlPlane, close: () => region.close() };
  } catch (error) {
    await region.close();
    throw error;
  }
}
