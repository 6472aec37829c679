import { randomBytes } from 'node:crypto';
import { SFNClient } from '@aws-sdk/client-sfn';
import { smokeShapesFor } from '../../cli/commands/rollout.js';
import { buildDashboard } from '../../dashboard/build.js';
import { ApplicationAutoScalingVariantScaling } from '../../functions/adapters/application-auto-scaling-variant-scaling.js';
import { SageMakerEndpointHost } from '../../functions/adapters/sagemaker-endpoint-host.js';
import { CapacitySampler } from '../../functions/dashboard-api/capacity-history.js';
import { createDashboardApi, type DashboardApiDeps } from '../../functions/dashboard-api/dashboard-api.js';
import {
  type EndpointSummaryDeps,
  type InstanceProbe,
  SageMakerEndpointCatalog,
  summarizeEndpoints,
} from '../../functions/dashboard-api/endpoint-summary.js';
import { ExecutionTracker } from '../../functions/dashboard-api/execution-tracker.js';
import { CloudWatchLatencySource } from '../../functions/dashboard-api/latency-metrics.js';
import { readPageAssets } from '../../functions/dashboard-api/page-assets.js';
import { calendarFile } from '../../functions/dashboard-api/release-readiness.js';
import { localClientConfig, localClients } from '../control-plane/local-clients.js';
import type { Hosting } from '../hosting/hosting.js';
import type { LocalRegion } from '../region.js';
import { bearerMatches, createDashboardService } from './dashboard-service.js';

export interface DashboardOptions {
  /** The access token; a random one (192 bits) when omitted. */
  readonly token?: string;
  /** A .yaml/.json release calendar for the releases panel and chart markers. */
  readonly calendarPath?: string;
  /** How often the capacity chart samples every endpoint. */
  readonly sampleIntervalMs?: number;
  /** Where the built page is cached (default dist/dashboard). */
  readonly pageDir?: string;
  readonly log?: (line: string) => void;
}

export interface InstalledDashboard {
  /** `http://127.0.0.1:PORT/?token=…`: the URL to print and open. */
  readonly url: string;
  readonly token: string;
  /** How long building (or checking the cache of) the page took, and whether it built. */
  readonly build: { readonly ms: number; readonly built: boolean };
}

/**
 * Per-instance /ping state from the region's hosting view: instances of the serving fleet that
 * passed /ping are warm; launched instances of any fleet that have not yet are warming.
 */
export function hostingProbe(hosting: Hosting): InstanceProbe {
  return (endpoint, variant) => {
    const view = hosting.snapshot().find((e) => e.name === endpoint);
    if (!view) return undefined;
    let warm = 0;
    let warming = 0;
    for (const fleet of view.fleets) {
      if (fleet.variantName !== variant || fleet.role === 'retiring') continue;
      for (const instance of fleet.instances) {
        if (fleet.role === 'current' && instance.phase === 'in-service') warm += 1;
        else if (instance.phase === 'provisioning' || instance.phase === 'starting') warming += 1;
      }
    }
    return { warm, warming };
  };
}

/** The dashboard's dependencies aimed at a local region, and how to end what they hold. */
export interface LocalDashboardDeps {
  /** Everything but the page and the token check, which differ between the Lambda and the region. */
  readonly deps: Omit<DashboardApiDeps, 'assets' | 'authorize'>;
  readonly sampler: CapacitySampler;
  /** Stops sampling and destroys the SDK clients. */
  close(): Promise<void>;
}

/**
 * The dashboard API's dependencies for a local region: real SDK clients aimed at `region.url`,
 * the hosting view as the per-instance /ping probe, and an in-memory capacity sampler (not yet
 * started). Tests use it to drive the Lambda handler against the region.
 */
export function localDashboardDeps(
  region: LocalRegion,
  options: Pick<DashboardOptions, 'calendarPath' | 'sampleIntervalMs' | 'log'> = {},
): LocalDashboardDeps {
  const clients = localClients(region.url);
  const sfn = new SFNClient(localClientConfig(region.url));
  const endpoints: EndpointSummaryDeps = {
    catalog: new SageMakerEndpointCatalog(clients.sagemaker),
    host: new SageMakerEndpointHost(clients.sagemaker),
    scaling: new ApplicationAutoScalingVariantScaling(clients.scaling),
    instanceProbe: hostingProbe(region.hosting),
  };
  const sampler = new CapacitySampler({
    sample: () => summarizeEndpoints(endpoints),
    intervalMs: options.sampleIntervalMs ?? 2000,
    retentionMs: 24 * 60 * 60 * 1000,
    now: Date.now,
    onError: (error) => options.log?.(`dashboard: capacity sample failed: ${(error as Error).message}`),
  });
  return {
    deps: {
      mode: 'local',
      endpoints,
      executions: new ExecutionTracker(sfn),
      capacityHistory: sampler,
      latency: new CloudWatchLatencySource(clients.cloudwatch),
      // The local region keeps one-second metric buckets, so a short period shows a test's traffic.
      latencyPeriodSeconds: 10,
      calendar: options.calendarPath ? calendarFile(options.calendarPath) : undefined,
      smokeShapes: (modelDataUrl) => smokeShapesFor({ modelData: modelDataUrl }),
      now: Date.now,
      onUnexpected: (error) =>
        options.log?.(
          `dashboard: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
    },
    sampler,
    async close() {
      await sampler.stop();
      sfn.destroy();
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

/**
 * Serves the dashboard from a local region: builds the page (or reuses the cached build),
 * registers the page and its API on the region's port, and starts sampling capacity for the
 * chart. Every `/api/*` request must carry `Authorization: Bearer <token>`.
 * Everything it starts ends with the region.
 */
export async function installDashboard(
  stack: { readonly region: LocalRegion },
  options: DashboardOptions = {},
): Promise<InstalledDashboard> {
  const { region } = stack;
  const token = options.token ?? randomBytes(24).toString('base64url');
  const build = await buildDashboard(options.pageDir ? { outDir: options.pageDir } : {});
  const assets = await readPageAssets(build.dir);
  const local = localDashboardDeps(region, options);
  const api = createDashboardApi({
    ...local.deps,
    assets,
    authorize: (request) => bearerMatches(request.headers.authorization, token),
  });
  region.register(createDashboardService(api, local.deps.onUnexpected));
  local.sampler.start();
  region.onClose(() => local.close());
  return {
    url: `${region.url}/?token=${encodeURIComponent(token)}`,
    token,
    build: { ms: Math.round(build.ms), built: build.built },
  };
}
