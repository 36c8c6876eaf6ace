// The reliability diagram's data: the run's latest `calibration-step-<N>` table artifact, read and
// laid out as bars of accuracy per confidence bin against the diagonal of perfect calibration,
// with the bins' counts as a faint histogram behind.

import type { Artifact } from '../api/types';

export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence of the predictions in the bin (null or absent when it is empty). */
  confidence: number | null;
  /** Share of them that were correct. */
  accuracy: number | null;
}

export interface Calibration {
  kind: 'calibration';
  step: number;
  ece: number | null;
  bins: CalibrationBin[];
}

const NAME = /^calibration-step-(\d+)$/;

/** The step N of an artifact named `calibration-step-N`, or null for any other name. */
export function calibrationStep(name: string | undefined): number | null {
  const match = name ? NAME.exec(name) : null;
  return match ? Number(match[1]) : null;
}

export function isTableArtifact(artifact: Artifact): boolean {
  return artifact.kind === 'table';
}

/** The table artifact named `calibration-step-N` with the largest N (the newest id on a tie). */
export function latestCalibrationArtifact(artifacts: readonly Artifact[]): Artifact | null {
  let best: { artifact: Artifact; step: number } | null = null;
  for (const artifact of artifacts) {
    const step = calibrationStep(artifact.name);
    if (step === null || !isTableArtifact(artifact) || artifact.id === undefined) continue;
    if (!best || step > best.step || (step === best.step && (artifact.id ?? 0) > (best.artifact.id ?? 0))) {
      best = { artifact, step };
    }
  }
  return best?.artifact ?? null;
}

/** Accepts the artifact's JSON, or says what is wrong with it. */
export function readCalibration(json: unknown): { ok: true; calibration: Calibration } | { ok: false; error: string } {
  if (typeof json !== 'object' || json === null) return { ok: false, error: 'The calibration artifact is not a JSON object.' };
  const value = json as Record<string, unknown>;
  if (value.kind !== 'calibration') return { ok: false, error: `The artifact's kind is ${JSON.stringify(value.kind)}, not "calibration".` };
  if (!Array.isArray(value.bins) || value.bins.length === 0) return { ok: false, error: 'The calibration artifact has no bins.' };
  const bins: CalibrationBin[] = [];
  for (const [index, raw] of (value.bins as unknown[]).entries()) {
    const bin = raw as Record<string, unknown>;
    if (typeof bin?.lower !== 'number' || typeof bin.upper !== 'number' || !(bin.upper > bin.lower)) {
      return { ok: false, error: `Bin ${index} needs numbers lower < upper.` };
    }
    const number = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    bins.push({ lower: bin.lower, upper: bin.upper, count: number(bin.count) ?? 0, confidence: number(bin.confidence), accuracy: number(bin.accuracy) });
  }
  return {
    ok: true,
    calibration: { kind: 'calibration', step: typeof value.step === 'number' ? value.step : 0, ece: typeof value.ece === 'number' ? value.ece : null, bins },
  };
}

export interface DiagramGeometry {
  width: number;
  height: number;
  /** Room for the axes: left, bottom, top, right. */
  margin: { left: number; bottom: number; top: number; right: number };
}

export const DEFAULT_DIAGRAM: DiagramGeometry = { width: 360, height: 300, margin: { left: 44, bottom: 40, top: 12, right: 12 } };

export interface DiagramBar {
  bin: number;
  x: number;
  width: number;
  /** Top of the accuracy bar (y grows downwards); the bar ends at the plot's bottom. */
  y: number;
  height: number;
  /** Top and height of the count bar, scaled so that the fullest bin fills the plot. */
  countY: number;
  countHeight: number;
  /** Bar height of a perfectly calibrated bin (its mean confidence), for the gap marker. */
  expectedY: number | null;
  label: string;
}

export interface Diagram {
  plot: { x: number; y: number; width: number; height: number };
  /** The diagonal accuracy = confidence, from (0, 0) to (1, 1) in plot coordinates. */
  diagonal: { x1: number; y1: number; x2: number; y2: number };
  bars: DiagramBar[];
  ticks: { value: number; x: number; y: number }[];
  total: number;
}

/**
 * Bars of accuracy per bin over [lower, upper] of confidence, in SVG coordinates. Empty bins draw
 * no accuracy bar (height 0); the count histogram is scaled to the fullest bin.
 */
export function reliabilityDiagram(calibration: Calibration, geometry: DiagramGeometry = DEFAULT_DIAGRAM): Diagram {
  const { width, height, margin } = geometry;
  const plot = { x: margin.left, y: margin.top, width: width - margin.left - margin.right, height: height - margin.top - margin.bottom };
  const sx = (v: number) => plot.x + Math.min(1, Math.max(0, v)) * plot.width;
  const sy = (v: number) => plot.y + plot.height - Math.min(1, Math.max(0, v)) * plot.height;
  const maxCount = Math.max(0, ...calibration.bins.map((b) => b.count));
  const total = calibration.bins.reduce((sum, b) => sum + b.count, 0);
  const bars = calibration.bins.map((bin, index): DiagramBar => {
    const empty = bin.count === 0 || bin.accuracy === null;
    const accuracy = empty ? 0 : bin.accuracy!;
    const countHeight = maxCount > 0 ? (bin.count / maxCount) * plot.height : 0;
    return {
      bin: index,
      x: sx(bin.lower),
      width: sx(bin.upper) - sx(bin.lower),
      y: sy(accuracy),
      height: plot.y + plot.height - sy(accuracy),
      countY: plot.y + plot.height - countHeight,
      countHeight,
      expectedY: empty || bin.confidence === null ? null : sy(bin.confidence),
      label: empty
        ? `confidence ${bin.lower.toFixed(2)}–${bin.upper.toFixed(2)}: no predictions`
        : `confidence ${bin.lower.toFixed(2)}–${bin.upper.toFixed(2)}: accuracy ${accuracy.toFixed(2)}`
          + `${bin.confidence !== null ? ` at mean confidence ${bin.confidence.toFixed(2)}` : ''}, ${bin.count} predictions`,
    };
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((value) => ({ value, x: sx(value), y: sy(value) }));
  return { plot, diagonal: { x1: sx(0), y1: sy(0), x2: sx(1), y2: sy(1) }, bars, ticks, total };
}
