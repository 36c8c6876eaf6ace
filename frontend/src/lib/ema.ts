// Exponential moving average for chart smoothing, debiased like TensorBoard's so the first points
// are not pulled toward zero. Gaps (null, NaN, infinities) stay gaps and do not reset the average.

export function emaSmooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (!(weight > 0)) return values.map((v) => (v !== null && Number.isFinite(v) ? v : null));
  const w = Math.min(weight, 0.999);
  let last = 0;
  let count = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    last = last * w + (1 - w) * v;
    count += 1;
    return last / (1 - w ** count);
  });
}
