// The continual-learning panel's data: the task-by-task matrix of the run's `cl-matrix` table
// artifact (row i = evaluated after training on task i, column j = on task j), laid out as a
// heatmap whose colour says how good a value is, and the summary numbers with what they mean.

export type ClMetric = string;

export interface ClMatrix {
  kind: 'cl-matrix';
  tasks: string[];
  /** Tasks trained so far; rows at and past this index are still to come. */
  completed: number;
  /** Each metric on every task before any training, when the engine measured it. */
  initial: Record<ClMetric, (number | null)[]>;
  /** One row per finished task. */
  matrices: Record<ClMetric, (number | null)[][]>;
  summary: Record<ClMetric, Record<string, number | null>>;
  higher_is_better: Record<ClMetric, boolean>;
}

/** Accepts the artifact's JSON, or says what is wrong with it. */
export function readClMatrix(json: unknown): { ok: true; matrix: ClMatrix } | { ok: false; error: string } {
  if (typeof json !== 'object' || json === null) return { ok: false, error: 'The cl-matrix artifact is not a JSON object.' };
  const value = json as Record<string, unknown>;
  if (value.kind !== 'cl-matrix') return { ok: false, error: `The artifact's kind is ${JSON.stringify(value.kind)}, not "cl-matrix".` };
  if (!Array.isArray(value.tasks) || !value.tasks.every((t) => typeof t === 'string')) {
    return { ok: false, error: 'The cl-matrix artifact has no list of task names.' };
  }
  if (typeof value.matrices !== 'object' || value.matrices === null) {
    return { ok: false, error: 'The cl-matrix artifact has no matrices.' };
  }
  const tasks = value.tasks as string[];
  const matrices = value.matrices as Record<string, unknown>;
  for (const [metric, rows] of Object.entries(matrices)) {
    if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row) && row.length === tasks.length)) {
      return { ok: false, error: `The ${metric} matrix needs one row of ${tasks.length} values per finished task.` };
    }
  }
  return {
    ok: true,
    matrix: {
      kind: 'cl-matrix',
      tasks,
      completed: typeof value.completed === 'number' ? value.completed : Math.max(0, ...Object.values(matrices).map((r) => (r as unknown[]).length)),
      initial: (value.initial as ClMatrix['initial']) ?? {},
      matrices: matrices as ClMatrix['matrices'],
      summary: (value.summary as ClMatrix['summary']) ?? {},
      higher_is_better: (value.higher_is_better as ClMatrix['higher_is_better']) ?? {},
    },
  };
}

/** Metrics offered by the toggle: accuracy first when present, then the others alphabetically. */
export function clMetrics(matrix: ClMatrix): string[] {
  return Object.keys(matrix.matrices).sort((a, b) => (a === 'accuracy' ? -1 : b === 'accuracy' ? 1 : a.localeCompare(b)));
}

/**
 * Maps a value to its "goodness" in [0, 1] over the range of `values`: 1 for the best value
 * (the highest when higher is better, the lowest otherwise), 0 for the worst; 1 when all are equal.
 */
export function goodnessScale(values: readonly (number | null)[], higherIsBetter: boolean): (value: number) => number {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return () => 1;
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  if (max === min) return () => 1;
  return (value) => {
    const t = Math.min(1, Math.max(0, (value - min) / (max - min)));
    return higherIsBetter ? t : 1 - t;
  };
}

/** Lightness of a cell: 96% (pale) for the worst value down to 30% (dark) for the best. */
export function cellLightness(goodness: number): number {
  return 96 - 66 * goodness;
}

export function cellFill(goodness: number): string {
  return `hsl(217 70% ${cellLightness(goodness).toFixed(1)}%)`;
}

/** Dark text on pale cells, white on dark ones. */
export function cellTextColor(goodness: number): string {
  return cellLightness(goodness) < 58 ? '#ffffff' : '#0f172a';
}

export interface HeatmapGeometry {
  cell: number;
  /** Width of the row labels on the left. */
  labelWidth: number;
  /** Height of the column labels on top. */
  headerHeight: number;
}

export const DEFAULT_GEOMETRY: HeatmapGeometry = { cell: 56, labelWidth: 150, headerHeight: 40 };

export interface HeatmapCell {
  /** Index in `rows`: with an initial row, row 0 is "before training" and row i + 1 is "after task i". */
  row: number;
  column: number;
  x: number;
  y: number;
  value: number | null;
  pending: boolean;
  fill: string;
  textColor: string;
  text: string;
}

export interface HeatmapRow {
  label: string;
  /** The task this row follows (null for the initial row). */
  task: number | null;
  pending: boolean;
  y: number;
}

export interface Heatmap {
  width: number;
  height: number;
  columns: { label: string; x: number }[];
  rows: HeatmapRow[];
  cells: HeatmapCell[];
  higherIsBetter: boolean;
  geometry: HeatmapGeometry;
}

export function formatCell(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1000 || abs < 0.001)) return value.toExponential(1);
  return value.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
}

/**
 * The heatmap of one metric: an optional "before training" row, then a row per task, finished
 * or pending; columns are the tasks. Colours span the values shown, darker = better.
 */
export function heatmapLayout(matrix: ClMatrix, metric: string, geometry: HeatmapGeometry = DEFAULT_GEOMETRY): Heatmap {
  const { cell, labelWidth, headerHeight } = geometry;
  const n = matrix.tasks.length;
  const finished = matrix.matrices[metric] ?? [];
  const initial = matrix.initial[metric];
  const hasInitial = Array.isArray(initial) && initial.length === n;
  const higherIsBetter = matrix.higher_is_better[metric] ?? metric !== 'loss';
  const shown: (number | null)[] = [...(hasInitial ? initial : []), ...finished.flat()];
  const goodness = goodnessScale(shown, higherIsBetter);

  const rows: HeatmapRow[] = [];
  const rowValues: ((number | null)[] | null)[] = [];
  if (hasInitial) {
    rows.push({ label: 'Before training', task: null, pending: false, y: headerHeight });
    rowValues.push(initial);
  }
  for (let i = 0; i < n; i++) {
    const values = finished[i] ?? null;
    const pending = values === null || i >= matrix.completed;
    rows.push({ label: `After ${matrix.tasks[i]}`, task: i, pending, y: headerHeight + rows.length * cell });
    rowValues.push(pending ? null : values);
  }

  const cells: HeatmapCell[] = [];
  rows.forEach((row, r) => {
    for (let j = 0; j < n; j++) {
      const value = rowValues[r]?.[j] ?? null;
      const known = value !== null && Number.isFinite(value);
      const g = known ? goodness(value) : 0;
      cells.push({
        row: r,
        column: j,
        x: labelWidth + j * cell,
        y: row.y,
        value: row.pending ? null : value,
        pending: row.pending,
        fill: row.pending || !known ? '#f8fafc' : cellFill(g),
        textColor: row.pending || !known ? '#64748b' : cellTextColor(g),
        text: row.pending ? 'pending' : formatCell(value),
      });
    }
  });
  return {
    width: labelWidth + n * cell,
    height: headerHeight + rows.length * cell,
    columns: matrix.tasks.map((label, j) => ({ label, x: labelWidth + j * cell + cell / 2 })),
    rows,
    cells,
    higherIsBetter,
    geometry,
  };
}

/**
 * The summary numbers in a fixed order, with one line each on what they mean, as the engine computes
 * them (engine/continual_metrics.py: Lopez-Paz & Ranzato 2017 for ACC, BWT, FWT; Chaudhry et al.
 * 2018 for forgetting, signed so that positive = forgotten for both metrics).
 */
export const SUMMARY_EXPLANATIONS: { key: string; label: string; explain: (higherIsBetter: boolean) => string }[] = [
  {
    key: 'average',
    label: 'Average',
    explain: () => 'Mean over the tasks trained so far, after the last of them.',
  },
  {
    key: 'backward_transfer',
    label: 'Backward transfer',
    explain: (hib) => `Mean change on each earlier task since just after it was learned; ${hib ? 'negative' : 'positive'} means later tasks hurt it.`,
  },
  {
    key: 'forgetting',
    label: 'Forgetting',
    explain: () => 'Mean distance of each earlier task from its best earlier value; positive = forgotten, 0 = nothing forgotten.',
  },
  {
    key: 'forward_transfer',
    label: 'Forward transfer',
    explain: (hib) => `Mean change on each task just before training on it, against the model before any training; ${hib ? 'positive' : 'negative'} means earlier tasks helped.`,
  },
];
