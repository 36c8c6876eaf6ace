// @vitest-environment happy-dom
// Zoom on the run page's chart and the compare page's overlay chart, against a fake API: a drag
// over a downsampled series asks for the range (step_min/step_max) and draws the finer points, a
// drag over raw points asks nothing, live points keep coming while zoomed, and "Reset zoom" or a
// double-click goes back to the whole series.

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getRunsSeries } from '../features/runs/api/requests';
import type { MetricSeries, Run } from '../api/types';
import { mergeSeries, seriesFromFetched, type Series } from '../lib/series';
import { FakeServer, type FakeRequest } from '../test/fakeServer';
import { makeRun } from '../test/fixtures';
import { CompareCharts } from './CompareCharts';
import { MetricChart, runZoomSource } from './MetricChart';

const { plots } = vi.hoisted(() => ({ plots: [] as FakePlotLike[] }));

interface FakePlotLike {
  opts: { hooks?: { setSelect?: ((u: unknown) => void)[]; ready?: ((u: unknown) => void)[] } };
  data: unknown[][];
  scales: { min: number; max: number }[];
  select: { left: number; width: number; top: number; height: number };
  over: HTMLDivElement;
}

vi.mock('uplot', () => ({
  default: class FakePlot {
    opts: FakePlotLike['opts'];
    data: unknown[][];
    scales: { min: number; max: number }[] = [];
    select = { left: 0, width: 0, top: 0, height: 0 };
    over = document.createElement('div');
    constructor(opts: FakePlotLike['opts'], data: unknown[][]) {
      this.opts = opts;
      this.data = data;
      plots.push(this as unknown as FakePlotLike);
      opts.hooks?.ready?.forEach((hook) => hook(this));
    }
    setData(data: unknown[][]) { this.data = data; }
    setSize() {}
    destroy() {}
    setScale(_key: string, range: { min: number; max: number }) { this.scales.push(range); }
    setSelect(select: FakePlotLike['select']) { this.select = select; }
    posToVal(px: number) { return px * 10; } // 1 px = 10 steps
  },
}));

/** The whole series as the server downsamples it: steps 0..10000, a bucket every 100 steps. */
function downsampledSnapshot(name: string): MetricSeries {
  const steps = Array.from({ length: 101 }, (_, i) => i * 100);
  return { name, steps, values: steps.map((s) => 10 - s / 1000), walls: steps.map((s) => 1000 + s),
    mins: steps.map((s) => 9 - s / 1000), maxs: steps.map((s) => 11 - s / 1000), downsampled: true };
}

/** What the server answers for a range: every step in it, raw. */
function rawRange(name: string, min: number, max: number): MetricSeries {
  const steps = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  const values = steps.map((s) => 10 - s / 1000);
  return { name, steps, values, walls: steps.map((s) => 1000 + s), mins: values, maxs: values, downsampled: false };
}

function rangeOf(request: FakeRequest): [number, number] {
  return [Number(request.query.get('step_min')), Number(request.query.get('step_max'))];
}

function wrap(children: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

/** Drags over pixels left..left+width of the latest plot (uPlot then calls its setSelect hooks). */
function drag(plot: FakePlotLike, left: number, width: number) {
  act(() => {
    plot.select = { left, width, top: 0, height: 200 };
    plot.opts.hooks!.setSelect!.forEach((hook) => hook(plot));
  });
}

let server: FakeServer;

beforeEach(() => {
  plots.length = 0;
  server = new FakeServer();
  server.install();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('MetricChart zoom', () => {
  it('fetches a downsampled range again and draws its finer points; Reset zoom goes back', async () => {
    server.route('GET /api/v1/runs/7/metrics/', (request) => {
      const [min, max] = rangeOf(request);
      return { body: { series: [rawRange('train/loss', min, max)], cursor: '0-0', range: { step_min: min, step_max: max } } };
    });
    const full = seriesFromFetched(downsampledSnapshot('train/loss'));
    const { rerender } = render(wrap(
      <MetricChart name="train/loss" series={full} smoothing={0} zoomSource={runZoomSource(7, 'train/loss')} />));
    const chart = screen.getByTestId('chart-train/loss');
    expect(chart.dataset.points).toBe('101');
    expect(chart.dataset.zoomState).toBe('full');

    drag(plots.at(-1)!, 200, 30); // steps 2000..2300
    await waitFor(() => expect(chart.dataset.zoomState).toBe('refined'));
    const sent = server.sent('GET', '/api/v1/runs/7/metrics/');
    expect(sent).toHaveLength(1);
    expect(rangeOf(sent[0]!)).toEqual([2000, 2300]);
    expect(sent[0]!.query.get('names')).toBe('train/loss');
    // 301 raw points in the range replace the 4 buckets there (2000, 2100, 2200, 2300).
    expect(chart.dataset.zoomPoints).toBe('301');
    expect(chart.dataset.points).toBe(String(101 - 4 + 301));
    const plot = plots.at(-1)!;
    expect(plot.scales.at(-1)).toEqual({ min: 2000, max: 2300 });
    expect((plot.data[0] as number[]).filter((x) => x >= 2000 && x <= 2300)).toHaveLength(301);
    expect(screen.getByRole('status', { name: 'Zoom of train/loss' }).textContent).toContain('steps 2000–2300');

    // Live points past the range keep merging into the full series; the view keeps its range.
    const live = mergeSeries(full, { steps: [10001, 10002], values: [1, 2], walls: [1, 2] });
    rerender(wrap(<MetricChart name="train/loss" series={live} smoothing={0} zoomSource={runZoomSource(7, 'train/loss')} />));
    expect(chart.dataset.points).toBe(String(101 - 4 + 301 + 2));
    expect(plot.scales.at(-1)).toEqual({ min: 2000, max: 2300 });
    expect(screen.getByTestId('chart-last-train/loss').textContent).toContain('at step 10002');

    // Zooming again inside the raw points asks nothing more.
    drag(plot, 205, 5);
    expect(chart.dataset.zoomMin).toBe('2050');
    expect(chart.dataset.zoomState).toBe('zoomed');
    expect(server.sent('GET', '/api/v1/runs/7/metrics/')).toHaveLength(1);
    // ...and keeps drawing the finer points it zoomed into: 2050..2100, every step.
    expect(chart.dataset.zoomPoints).toBe('51');
    expect(plot.scales.at(-1)).toEqual({ min: 2050, max: 2100 });

    const reset = screen.getByRole('button', { name: 'Reset zoom' });
    reset.focus();
    expect(document.activeElement).toBe(reset);
    fireEvent.click(reset);
    expect(chart.dataset.zoomState).toBe('full');
    expect(chart.dataset.points).toBe('103');
    expect(screen.queryByRole('button', { name: 'Reset zoom' })).toBeNull();
  });

  it('does not refetch raw points, and a double-click resets', () => {
    const raw = seriesFromFetched(rawRange('eval/loss', 0, 50));
    render(wrap(<MetricChart name="eval/loss" series={raw} smoothing={0} zoomSource={runZoomSource(7, 'eval/loss')} />));
    const chart = screen.getByTestId('chart-eval/loss');
    drag(plots.at(-1)!, 1, 2); // under 3 px: a click, not a zoom
    expect(chart.dataset.zoomState).toBe('full');
    drag(plots.at(-1)!, 1, 3);
    expect(chart.dataset.zoomState).toBe('zoomed');
    expect([chart.dataset.zoomMin, chart.dataset.zoomMax]).toEqual(['10', '40']);
    expect(server.requests).toHaveLength(0);
    act(() => { plots.at(-1)!.over.dispatchEvent(new Event('dblclick')); });
    expect(chart.dataset.zoomState).toBe('full');
  });

  it('says when the finer points cannot be loaded and keeps the coarse ones', async () => {
    server.route('GET /api/v1/runs/7/metrics/', () => ({ status: 400, body: { detail: 'step_min must be an integer step.' } }));
    render(wrap(<MetricChart name="train/loss" series={seriesFromFetched(downsampledSnapshot('train/loss'))} smoothing={0}
      zoomSource={runZoomSource(7, 'train/loss')} />));
    const chart = screen.getByTestId('chart-train/loss');
    drag(plots.at(-1)!, 100, 50);
    await waitFor(() => expect(chart.dataset.zoomState).toBe('error'));
    expect(chart.dataset.points).toBe('101');
    expect(screen.getByRole('status', { name: 'Zoom of train/loss' }).textContent).toContain('step_min must be an integer');
  });
});

describe('OverlayChart zoom (compare page)', () => {
  it('fetches the range for every run through /series/ and draws each run finer', async () => {
    server.route('GET /api/v1/series/', (request) => {
      const [min, max] = rangeOf(request);
      const runs = request.query.get('runs')!.split(',').map(Number);
      return { body: { series: runs.map((run) => ({ run, ...rawRange('eval/loss', min, max) })),
        range: { step_min: min, step_max: max } } };
    });
    const runs: Run[] = [makeRun({ id: 1, name: 'a' }), makeRun({ id: 2, name: 'b' })];
    const byRun = new Map<number, Record<string, Series>>([
      [1, { 'eval/loss': seriesFromFetched(downsampledSnapshot('eval/loss')) }],
      [2, { 'eval/loss': seriesFromFetched(rawRange('eval/loss', 0, 30)) }],
    ]);
    render(wrap(<CompareCharts runs={runs} metrics={['eval/loss']} seriesByRun={byRun} colorOf={() => '#123456'}
      label={(run) => run.name} loading={false} error={null}
      rangeSource={{ key: ['compare', '1,2'], fetch: (names, range, signal) => getRunsSeries([1, 2], names, 1000, signal, range) }} />));
    const chart = screen.getByTestId('chart-overlay-eval/loss');
    expect(chart.dataset.points).toBe(String(101 + 31));
    drag(plots.at(-1)!, 50, 10); // steps 500..600
    await waitFor(() => expect(chart.dataset.zoomState).toBe('refined'));
    const sent = server.sent('GET', '/api/v1/series/');
    expect(sent).toHaveLength(1);
    expect(rangeOf(sent[0]!)).toEqual([500, 600]);
    expect(sent[0]!.query.get('names')).toBe('eval/loss');
    // Run 1: 101 buckets, 2 of them (500, 600) replaced by 101 raw points; run 2 had no points there
    // and now has the fetched 101 (the fake server answers for both).
    expect(chart.dataset.points).toBe(String(101 - 2 + 101 + 31 + 101));
    expect(plots.at(-1)!.scales.at(-1)).toEqual({ min: 500, max: 600 });
    fireEvent.click(screen.getByRole('button', { name: 'Reset zoom' }));
    expect(chart.dataset.points).toBe(String(101 + 31));
  });
});
