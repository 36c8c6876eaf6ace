// Zoom for the uPlot metric charts (run page and compare page): a drag over the plot area selects
// an x range, which becomes the chart's zoom; when the series drawn there is downsampled, the range
// is fetched again (useZoomedSeries in features/runs/api, keyed by the range) so the chart can draw
// the finer points; a double-click or the "Reset zoom" button goes back to the whole series. The
// plot keeps its own options: the handlers reach the latest state through a ref, so zooming never
// rebuilds the plot.
//
// On the wall-time axis the zoom only narrows the x scale: the series endpoints take step ranges,
// and the wall time of a step is not known before it is fetched.

import { useCallback, useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import { useZoomedSeries } from '../features/runs/api/queries';
import { rangeFromSelection, type XRange } from '../lib/zoom';

export type ZoomAxis = 'step' | 'wall';

/** `full`: not zoomed; `zoomed`: zoomed, nothing to fetch; `loading`/`refined`/`error`: the finer fetch. */
export type ZoomState = 'full' | 'zoomed' | 'loading' | 'refined' | 'error';

export interface ChartZoomOptions<T> {
  /** What is fetched: a queryKeys zoom source (e.g. runZoomSource(7, 'train/loss', 1000)); null when this chart cannot fetch. */
  queryKey: readonly unknown[] | null;
  axis: ZoomAxis;
  /** Whether the series drawn in `range` is coarser than the data behind it (see lib/zoom needsRefetch). */
  needs: (range: XRange) => boolean;
  fetch: (range: XRange, signal: AbortSignal) => Promise<T>;
}

export interface ChartZoom<T> {
  range: XRange | null;
  /** The finer data for the current range, once fetched. */
  fine: T | undefined;
  state: ZoomState;
  error: unknown;
  zoomTo: (range: XRange) => void;
  reset: () => void;
  /** uPlot options to spread into the plot's: drag selects (without uPlot's own zoom), double-click resets. */
  plotOptions: Pick<uPlot.Options, 'cursor' | 'hooks'>;
}

interface Zoom<T> {
  axis: ZoomAxis;
  range: XRange;
  refine: boolean;
  /** A zoom that needs no fetch keeps the finer data it was made on (a zoom inside a refined zoom). */
  carried?: T;
}

export function useChartZoom<T>({ queryKey, axis, needs, fetch }: ChartZoomOptions<T>): ChartZoom<T> {
  const [zoom, setZoom] = useState<Zoom<T> | null>(null);
  const shownFine = useRef<T | undefined>(undefined);
  // A zoom made on the other axis means nothing on this one.
  const current = zoom && zoom.axis === axis ? zoom : null;
  const range = current?.range ?? null;

  const latest = useRef({ axis, needs, fetch });
  latest.current = { axis, needs, fetch };

  const zoomTo = useCallback((next: XRange) => {
    const { axis: nowAxis, needs: nowNeeds } = latest.current;
    const refine = nowAxis === 'step' && nowNeeds(next);
    setZoom({ axis: nowAxis, range: next, refine, carried: refine ? undefined : shownFine.current });
  }, []);
  const reset = useCallback(() => setZoom(null), []);

  const enabled = Boolean(current?.refine && queryKey);
  // A zoom inside a zoom draws the previous range's finer points (sliced to the new range) until
  // its own arrive, instead of falling back to the coarse series.
  const query = useZoomedSeries<T>({
    source: queryKey,
    range,
    enabled,
    fetch: (next, signal) => latest.current.fetch(next, signal),
  });

  const handlers = useRef({ zoomTo, reset });
  handlers.current = { zoomTo, reset };
  const [plotOptions] = useState<Pick<uPlot.Options, 'cursor' | 'hooks'>>(() => ({
    cursor: { drag: { x: true, y: false, setScale: false } },
    hooks: {
      setSelect: [
        (u: uPlot) => {
          const { left, width } = u.select;
          const selected = rangeFromSelection(left, width, (px) => u.posToVal(px, 'x'), latest.current.axis);
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          if (selected) handlers.current.zoomTo(selected);
        },
      ],
      ready: [
        (u: uPlot) => {
          u.over?.addEventListener('dblclick', () => handlers.current.reset());
        },
      ],
    },
  }));

  useEffect(() => {
    if (zoom && zoom.axis !== axis) setZoom(null);
  }, [axis, zoom]);

  let state: ZoomState = 'full';
  if (current) {
    if (!enabled) state = 'zoomed';
    else if (query.isError) state = 'error';
    else if (query.data !== undefined && !query.isPlaceholderData) state = 'refined';
    else state = 'loading';
  }
  const fine = enabled ? query.data : current?.carried;
  shownFine.current = fine;
  return {
    range,
    fine,
    state,
    error: enabled ? query.error : null,
    zoomTo,
    reset,
    plotOptions,
  };
}

/** Sets the plot's x scale to the zoom, after new data (which rescales it to everything) was set. */
export function applyZoom(u: uPlot | null, data: uPlot.AlignedData, range: XRange | null): void {
  if (!u) return;
  u.setData(data);
  if (range) u.setScale('x', { min: range.min, max: range.max });
}
