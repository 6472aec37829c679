/**
 * The warmgate operator dashboard: endpoints and their warm capacity, executions with live
 * progress, upcoming releases, capacity and latency charts, and the actions (roll out, pre-warm,
 * stop) behind a confirmation. Plain DOM and uPlot; every number comes from the dashboard API.
 */
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import type {
  EndpointSummary,
  EndpointsResponse,
  ExecutionSummary,
  ExecutionsResponse,
  MetricsResponse,
  PlannedRelease,
  ReleasesResponse,
  StartedResponse,
  VariantSummary,
} from '../../functions/dashboard-api/api-contract.js';
import { Api, ApiError, takeToken } from './api.js';
import { CapacityChart, LatencyChart } from './charts.js';
import { confirmAction } from './confirm-dialog.js';
import { byId, h, replaceChildren } from './dom.js';
import { renderEndpoints } from './endpoints-view.js';
import { ExecutionsView } from './executions-view.js';
import { formatClock, formatDateTime } from './format.js';
import { renderReleases } from './releases-view.js';
import { RolloutForm } from './rollout-form.js';

const REFRESH_MS = { overview: 3000, metrics: 5000, releases: 30_000 };

const api = new Api(takeToken());
let endpoints: readonly EndpointSummary[] = [];
let prewarmMachine: string | null = null;
let chartEndpoint: string | undefined;

const connection = byId('connection');
const executions = new ExecutionsView(api, () => void refreshOverview());
const form = new RolloutForm(api, (execution) => followStarted(execution));
const capacityChart = new CapacityChart(byId('capacity-chart'), byId('capacity-summary'));
const latencyChart = new LatencyChart(byId('latency-chart'), byId('latency-summary'));
const chartSelect = byId<HTMLSelectElement>('chart-endpoint');
chartSelect.addEventListener('change', () => {
  chartEndpoint = chartSelect.value;
  void refreshMetrics();
});

function followStarted(execution: ExecutionSummary): void {
  executions.follow(execution.arn);
  void refreshOverview();
  byId('progress').scrollIntoView({ block: 'nearest' });
}

/** Shows why the API refused, once, in the banner; a 401 means the token is missing or wrong. */
function reportFailure(error: unknown): void {
  const banner = byId('auth-banner');
  if (error instanceof ApiError && error.status === 401) {
    banner.hidden = false;
    banner.textContent =
      'This page needs its access token. Open the dashboard URL that `warmgate local` (or `npm start`) printed, which ends in ?token=…, or sign in again.';
    connection.textContent = 'Not signed in';
    return;
  }
  connection.textContent = `Update failed at ${formatClock(Date.now())}: ${(error as Error).message}`;
}

function startPrewarm(
  endpoint: string,
  defaults: { minCapacity: number; holdMinutes: number; releases?: readonly string[] },
  context: string,
): void {
  void confirmAction({
    title: `Pre-warm ${endpoint}?`,
    description: [
      h('p', {}, context),
      h(
        'p',
        {},
        'The floor is raised now and held for the time you set, then restored. Instances start cold and count as warm only after their /ping passes.',
      ),
    ],
    confirmLabel: 'Start pre-warm',
    fields: [
      {
        name: 'minCapacity',
        label: 'Raise the floor to',
        value: String(defaults.minCapacity),
        numeric: true,
        hint: 'instances kept warm',
      },
      {
        name: 'holdMinutes',
        label: 'Hold for (minutes)',
        value: String(defaults.holdMinutes),
        numeric: true,
        hint: '1–1440',
      },
    ],
    onConfirm: async (values) => {
      const number = (text: string | undefined) =>
        text !== undefined && text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
      const started = await api.post<StartedResponse>('/api/prewarms', {
        endpoint,
        minCapacity: number(values.minCapacity),
        holdMinutes: number(values.holdMinutes),
        ...(defaults.releases ? { releases: defaults.releases } : {}),
      });
      followStarted(started.execution);
    },
  });
}

function prewarmEndpoint(endpoint: EndpointSummary, variant: VariantSummary): void {
  const floor = variant.floor ?? 2;
  startPrewarm(
    endpoint.name,
    { minCapacity: floor + 1, holdMinutes: 60 },
    `Current floor ${floor}, ${variant.warmInstances ?? 0} instances warm.`,
  );
}

function prewarmRelease(release: PlannedRelease): void {
  const holdMinutes = Math.max(1, Math.ceil((Date.parse(release.restoreAt) - Date.now()) / 60_000));
  startPrewarm(
    release.endpoint,
    { minCapacity: release.minCapacity, holdMinutes, releases: release.releases },
    `For ${release.titles.join(', ')} at ${formatDateTime(release.releaseAt)}; planned raise to ${release.minCapacity}.`,
  );
}

function updateChartChoices(): void {
  const names = endpoints.map((e) => e.name);
  if (!chartEndpoint || !names.includes(chartEndpoint)) chartEndpoint = names[0];
  const current = Array.from(chartSelect.options, (o) => o.value);
  if (current.join() !== names.join()) {
    replaceChildren(chartSelect, ...names.map((name) => h('option', { value: name }, name)));
  }
  if (chartEndpoint) chartSelect.value = chartEndpoint;
}

let overviewBusy = false;
async function refreshOverview(): Promise<void> {
  if (overviewBusy) return;
  overviewBusy = true;
  try {
    const [endpointList, executionList] = await Promise.all([
      api.get<EndpointsResponse>('/api/endpoints'),
      api.get<ExecutionsResponse>('/api/executions'),
    ]);
    endpoints = endpointList.endpoints;
    prewarmMachine = executionList.machines.prewarm;
    renderEndpoints(byId<HTMLTableSectionElement>('endpoints-body'), endpoints, {
      prewarmAvailable: () => prewarmMachine !== null,
      onPrewarm: prewarmEndpoint,
      onRollout: (endpoint, variant) =>
        form.prefill({ endpoint: endpoint.name, ...(variant.image ? { image: variant.image } : {}) }),
    });
    executions.render(executionList);
    byId('prewarm-note').hidden = prewarmMachine !== null;
    byId('auth-banner').hidden = true;
    connection.textContent = `Updated ${formatClock(endpointList.at)}`;
    const hadChart = chartEndpoint !== undefined;
    updateChartChoices();
    if (!hadChart && chartEndpoint) void refreshMetrics();
  } catch (error) {
    reportFailure(error);
  } finally {
    overviewBusy = false;
  }
}

async function refreshMetrics(): Promise<void> {
  if (!chartEndpoint) return;
  try {
    const metrics = await api.get<MetricsResponse>(
      `/api/metrics?endpoint=${encodeURIComponent(chartEndpoint)}&minutes=30`,
    );
    if (metrics.endpoint !== chartEndpoint) return;
    capacityChart.update(metrics);
    latencyChart.update(metrics);
  } catch (error) {
    reportFailure(error);
  }
}

async function refreshReleases(): Promise<void> {
  try {
    const releases = await api.get<ReleasesResponse>('/api/releases?hours=48');
    renderReleases(
      byId<HTMLTableSectionElement>('releases-body'),
      byId('releases-note'),
      releases,
      prewarmRelease,
    );
  } catch (error) {
    reportFailure(error);
  }
}

/** Runs `task` now and then every `ms`, skipping ticks while the tab is hidden. */
function every(ms: number, task: () => Promise<void>): void {
  const tick = async () => {
    if (!document.hidden) await task();
    window.setTimeout(tick, ms);
  };
  void tick();
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) {
    void refreshOverview();
    void refreshMetrics();
  }
});

every(REFRESH_MS.overview, refreshOverview);
every(REFRESH_MS.metrics, refreshMetrics);
every(REFRESH_MS.releases, refreshReleases);
