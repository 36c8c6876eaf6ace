// Parallel coordinates in plain SVG: one vertical axis per swept parameter and one for the metric,
// one polyline per run. Dragging along an axis brushes it (only runs inside every brush stay
// bright); a click without a drag clears that axis. Each axis is focusable: ArrowUp keeps its
// upper part, ArrowDown its lower part, Escape clears it. Scaling and brushing live in lib/parallel.

import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import {
  brushRange, filterRows, nudgeBrush, position, valueAt, type Brushes, type PcAxis, type PcRow,
} from '../lib/parallel';
import { formatSweepValue } from '../lib/sweeps';

interface Props {
  axes: PcAxis[];
  rows: PcRow[];
  bestId?: number | null;
  brushes: Brushes;
  onBrushesChange: (brushes: Brushes) => void;
  labelFor?: (id: number) => string;
}

const WIDTH = 720;
const HEIGHT = 280;
const TOP = 28;
const BOTTOM = 36;
const SIDE = 60;

export function ParallelCoordinates({ axes, rows, bestId, brushes, onBrushesChange, labelFor }: Props) {
  const svg = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ key: string; start: number; now: number } | null>(null);
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const x = (i: number) => (axes.length === 1 ? WIDTH / 2 : SIDE + (i * (WIDTH - 2 * SIDE)) / (axes.length - 1));
  const y = (t: number) => TOP + (1 - t) * plotHeight;
  const kept = filterRows(rows, axes, brushes);

  const toT = (event: PointerEvent) => {
    const box = svg.current!.getBoundingClientRect();
    const py = ((event.clientY - box.top) / (box.height || HEIGHT)) * HEIGHT;
    return 1 - (py - TOP) / plotHeight;
  };
  const setBrush = (key: string, range: readonly [number, number] | null) => {
    const next = { ...brushes };
    if (range) next[key] = range;
    else delete next[key];
    onBrushesChange(next);
  };
  const onKeyDown = (key: string) => (event: KeyboardEvent) => {
    if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      setBrush(key, nudgeBrush(brushes[key], event.key === 'ArrowUp' ? 'up' : 'down'));
    } else if (event.key === 'Escape' && brushes[key]) {
      event.preventDefault();
      setBrush(key, null);
    }
  };

  const tickLabels = (axis: PcAxis): [number, string][] => {
    if (axis.kind === 'categorical') return axis.categories.map((c) => [position(axis, c) ?? 0.5, c]);
    if (axis.empty) return [[0.5, 'no values yet']];
    if (axis.min === axis.max) return [[0.5, formatSweepValue(axis.min)]];
    return [[0, formatSweepValue(valueAt(axis, 0))], [1, formatSweepValue(valueAt(axis, 1))]];
  };

  const brushText = (axis: PcAxis, range: readonly [number, number]) =>
    axis.kind === 'numeric'
      ? `${formatSweepValue(valueAt(axis, range[0]))} to ${formatSweepValue(valueAt(axis, range[1]))}`
      : `${Math.round(range[0] * 100)}% to ${Math.round(range[1] * 100)}% of the axis`;

  return (
    <figure className="parallel-coordinates" data-testid="parallel-coordinates"
      data-axes={axes.length} data-runs={rows.length} data-kept={kept.size}>
      <svg ref={svg} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="group"
        aria-label={`Parallel coordinates of ${rows.length} runs; ${kept.size} inside the filters`}>
        <g className="pc-lines" aria-hidden="true">
          {rows.map((row) => {
            const points = axes.map((axis, i) => {
              const t = position(axis, row.values[axis.key]);
              return t === null ? null : `${x(i)},${y(t)}`;
            });
            const segments: string[][] = [[]];
            for (const p of points) {
              if (p === null) segments.push([]);
              else segments[segments.length - 1]!.push(p);
            }
            const inside = kept.has(row.id);
            const cls = `pc-line${inside ? '' : ' pc-line-out'}${row.id === bestId ? ' pc-line-best' : ''}`;
            return (
              <g key={row.id} className={cls} data-run-id={row.id} data-kept={inside}>
                <title>{labelFor?.(row.id) ?? `run ${row.id}`}</title>
                {segments.filter((s) => s.length > 1).map((s, i) => <polyline key={i} points={s.join(' ')} fill="none" />)}
                {segments.filter((s) => s.length === 1).map((s, i) => {
                  const [cx, cy] = s[0]!.split(',');
                  return <circle key={`p${i}`} cx={cx} cy={cy} r={2.5} />;
                })}
              </g>
            );
          })}
        </g>
        {axes.map((axis, i) => {
          const range = drag?.key === axis.key ? brushRange(drag.start, drag.now) : brushes[axis.key];
          return (
            <g key={axis.key} className="pc-axis" data-axis={axis.key} tabIndex={0} role="slider"
              aria-label={`Filter ${axis.label}`}
              aria-valuemin={0} aria-valuemax={100}
              aria-valuenow={range ? Math.round(range[0] * 100) : 0}
              aria-valuetext={range ? brushText(axis, range) : 'not filtered (ArrowUp or ArrowDown to narrow, Escape to clear)'}
              onKeyDown={onKeyDown(axis.key)}
              onPointerDown={(event) => {
                (event.target as Element).setPointerCapture?.(event.pointerId);
                const t = toT(event);
                setDrag({ key: axis.key, start: t, now: t });
              }}
              onPointerMove={(event) => drag?.key === axis.key && setDrag({ ...drag, now: toT(event) })}
              onPointerUp={() => {
                if (!drag || drag.key !== axis.key) return;
                const r = brushRange(drag.start, drag.now);
                setBrush(axis.key, r[1] - r[0] < 0.02 ? null : r);
                setDrag(null);
              }}>
              <rect x={x(i) - 14} y={TOP - 8} width={28} height={plotHeight + 16} className="pc-hit" />
              <line x1={x(i)} x2={x(i)} y1={TOP} y2={TOP + plotHeight} className="pc-axis-line" />
              {range && <rect x={x(i) - 7} y={y(range[1])} width={14} height={Math.max(1, y(range[0]) - y(range[1]))}
                className="pc-brush" data-testid={`pc-brush-${axis.key}`} />}
              <text x={x(i)} y={TOP - 12} textAnchor="middle" className="pc-label">{axis.label}</text>
              {tickLabels(axis).map(([t, text]) => (
                <text key={`${t}-${text}`} x={x(i) + 6} y={y(t) + 4} className="pc-tick">{text}</text>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption className="hint">
        Drag along an axis to keep the runs inside that range (or focus an axis and use ArrowUp / ArrowDown;
        Escape clears it). {Object.keys(brushes).length > 0 && (
          <button type="button" onClick={() => onBrushesChange({})}>Clear filters</button>
        )}
      </figcaption>
    </figure>
  );
}
