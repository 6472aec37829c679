import uPlot from 'uplot';
import type { ChartMarker, MetricsResponse } from '../../functions/dashboard-api/api-contract.js';
import { h } from './dom.js';
import { formatClock } from './format.js';

const HEIGHT = 170;
const COLORS = {
  warm: '#17703f',
  desired: '#3d5f99',
  floorBand: 'rgba(179, 38, 30, 0.35)',
  average: '#3d5f99',
  p99: '#a05a00',
  marker: '#6b3fa0',
};

type Data = uPlot.AlignedData;

/** The shortest span a chart shows, so a region started a minute ago does not draw a sliver. */
const MIN_SPAN_MS = 2 * 60_000;

/**
 * The time range to draw, in seconds: the asked-for window, narrowed to start at the first data
 * (but never under {@link MIN_SPAN_MS}), with a sixth of the span ahead of now for upcoming markers.
 */
export function visibleRange(
  metrics: MetricsResponse,
  firstMs: number | undefined,
  nowMs: number,
): [number, number] {
  const from = Math.max(metrics.fromMs, Math.min(firstMs ?? metrics.fromMs, nowMs - MIN_SPAN_MS));
  return [from / 1000, (nowMs + (nowMs - from) / 6) / 1000];
}

/** Draws the release markers as labelled vertical lines over the plot area. */
function markerPlugin(markers: () => readonly ChartMarker[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const { ctx } = u;
        const { top, height } = u.bbox;
        ctx.save();
        ctx.strokeStyle = COLORS.marker;
        ctx.fillStyle = COLORS.marker;
        ctx.lineWidth = Math.max(1, devicePixelRatio);
        ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
        ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
        for (const marker of markers()) {
          const x = Math.round(u.valToPos(marker.t / 1000, 'x', true));
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
          ctx.fillText(marker.label, x + 4 * devicePixelRatio, top + 12 * devicePixelRatio);
        }
        ctx.restore();
      },
    },
  };
}

/** A uPlot chart sized to its container: created at the first update, then given new data. */
abstract class TimeChart {
  protected plot: uPlot | undefined;
  protected markers: readonly ChartMarker[] = [];
  #range: [number, number] = [0, 1];
  readonly #container: HTMLElement;
  readonly #empty: HTMLElement;

  /** `summary` gets the chart's content as text, for screen readers and a quick read. */
  constructor(
    container: HTMLElement,
    protected readonly summary: HTMLElement,
  ) {
    this.#container = container;
    this.#empty = h('p', { class: 'chart-empty', hidden: true });
    container.after(this.#empty);
    new ResizeObserver(() => this.plot?.setSize({ width: this.#width(), height: HEIGHT })).observe(container);
  }

  #width(): number {
    return Math.max(200, this.#container.clientWidth);
  }

  protected abstract options(): Omit<uPlot.Options, 'width' | 'height'>;

  protected render(data: Data, range: [number, number], emptyText: string | null): void {
    this.#range = range;
    if (!this.plot) {
      const options = this.options();
      this.plot = new uPlot(
        {
          ...options,
          // Ranged by a function rather than setScale, so every auto-range keeps the window.
          scales: { ...options.scales, x: { time: true, range: () => this.#range } },
          width: this.#width(),
          height: HEIGHT,
          plugins: [markerPlugin(() => this.markers)],
        },
        data,
        this.#container,
      );
    } else {
      this.plot.setData(data);
    }
    this.#empty.hidden = emptyText === null;
    this.#empty.textContent = emptyText ?? '';
  }
}

// Factories, not shared objects: uPlot writes its own state into the axis objects it is given.
const timeAxis = (): uPlot.Axis => ({
  stroke: '#444',
  grid: { stroke: '#e4e4e4' },
  ticks: { stroke: '#ccc' },
});
const valueAxis = (label: string): uPlot.Axis => ({
  label,
  stroke: '#444',
  grid: { stroke: '#e4e4e4' },
  ticks: { stroke: '#ccc' },
  size: 48,
});

/** Warm instances, desired instances and the floor over time, with release markers. */
export class CapacityChart extends TimeChart {
  protected options(): Omit<uPlot.Options, 'width' | 'height'> {
    const stepped = uPlot.paths.stepped?.({ align: 1 });
    return {
      scales: { y: { range: (_u, _min, max) => [0, Math.max(4, (max ?? 0) + 1)] } },
      axes: [timeAxis(), valueAxis('instances')],
      series: [
        {},
        // The floor is a wide pale band under the lines, so "warm = floor" still shows both.
        { label: 'floor', stroke: COLORS.floorBand, width: 7, ...(stepped ? { paths: stepped } : {}) },
        {
          label: 'desired',
          stroke: COLORS.desired,
          width: 1.5,
          dash: [6, 4],
          ...(stepped ? { paths: stepped } : {}),
        },
        { label: 'warm', stroke: COLORS.warm, width: 2.5, ...(stepped ? { paths: stepped } : {}) },
      ],
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
    };
  }

  update(metrics: MetricsResponse): void {
    const points = metrics.capacity.points;
    this.markers = metrics.markers;
    const data: Data = [
      points.map((p) => p.t / 1000),
      points.map((p) => p.floor),
      points.map((p) => p.desired),
      points.map((p) => p.warm),
    ];
    const last = points.at(-1);
    const range = visibleRange(metrics, points[0]?.t, last?.t ?? Date.now());
    this.render(data, range, points.length === 0 ? 'No samples yet.' : null);
    this.summary.textContent = last
      ? `${metrics.endpoint} at ${formatClock(last.t)}: ${last.warm ?? 'unknown'} warm, ${last.desired ?? 'unknown'} desired, floor ${last.floor ?? 'not set'}. ${metrics.markers.length} release marker(s) in view. Source: ${metrics.capacity.source}.`
      : `${metrics.endpoint}: no capacity samples yet.`;
  }
}

/** Invocation latency (average and p99) from CloudWatch's ModelLatency. */
export class LatencyChart extends TimeChart {
  protected options(): Omit<uPlot.Options, 'width' | 'height'> {
    return {
      scales: { y: { range: (_u, _min, max) => [0, Math.max(10, (max ?? 0) * 1.15)] } },
      axes: [timeAxis(), valueAxis('ms')],
      series: [
        {},
        {
          label: 'average ms',
          stroke: COLORS.average,
          width: 2,
          spanGaps: false,
          points: { show: true, size: 4 },
        },
        { label: 'p99 ms', stroke: COLORS.p99, width: 1.5, spanGaps: false, points: { show: true, size: 4 } },
      ],
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
    };
  }

  update(metrics: MetricsResponse): void {
    this.markers = metrics.markers;
    // Same x range as the capacity chart, so the two line up one above the other.
    const capacity = metrics.capacity.points;
    const range = visibleRange(metrics, capacity[0]?.t, capacity.at(-1)?.t ?? Date.now());
    if (!metrics.latency.available) {
      this.render([[], [], []], range, `Latency unavailable: ${metrics.latency.reason}`);
      this.summary.textContent = `Latency unavailable: ${metrics.latency.reason}`;
      return;
    }
    const points = metrics.latency.points;
    this.render(
      [points.map((p) => p.t / 1000), points.map((p) => p.averageMs), points.map((p) => p.p99Ms)],
      range,
      points.length === 0 ? 'No invocations in this window.' : null,
    );
    const last = points.at(-1);
    const invocations = points.reduce((sum, p) => sum + (p.invocations ?? 0), 0);
    this.summary.textContent = last
      ? `${invocations} invocations in view; latest ${metrics.latency.periodSeconds}-second period at ${formatClock(last.t)}: average ${last.averageMs?.toFixed(1) ?? '—'} ms, p99 ${last.p99Ms?.toFixed(1) ?? '—'} ms.`
      : 'No invocations in this window.';
  }
}
