// Under a zoomed chart: the range shown, whether finer points are being fetched, and "Reset zoom"
// (a button, so it is reached with Tab; a double-click on the plot does the same).

import type { ZoomAxis, ZoomState } from '../hooks/useChartZoom';
import { errorMessage } from './ErrorAlert';
import type { XRange } from '../lib/zoom';

const STATE_TEXT: Record<ZoomState, string> = {
  full: '',
  zoomed: '',
  loading: ' · loading finer points…',
  refined: ' · finer points for this range',
  error: ' · could not load finer points',
};

function rangeText(range: XRange, axis: ZoomAxis): string {
  if (axis === 'step') return `steps ${range.min}–${range.max}`;
  const time = (seconds: number) => new Date(seconds * 1000).toLocaleTimeString();
  return `${time(range.min)}–${time(range.max)} (wall time: zoomed, not refetched)`;
}

interface Props {
  range: XRange | null;
  axis: ZoomAxis;
  state: ZoomState;
  error?: unknown;
  onReset: () => void;
  /** The chart's name, for the status' accessible label. */
  label: string;
}

export function ZoomControls({ range, axis, state, error, onReset, label }: Props) {
  if (!range) return null;
  return (
    <div className="chart-zoom" role="status" aria-label={`Zoom of ${label}`} data-zoom-state={state}>
      <span>
        Zoomed to {rangeText(range, axis)}
        {STATE_TEXT[state]}
        {state === 'error' && error ? `: ${errorMessage(error)}` : ''}
      </span>{' '}
      <button type="button" className="button-small" onClick={onReset}>Reset zoom</button>
    </div>
  );
}
