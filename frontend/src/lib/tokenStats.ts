// The token-length histogram as shown: log2 buckets ("up to N tokens") without the empty ones at
// either end, each with its share of the largest bucket for the bar's length and a range label.

export interface HistogramBucket {
  up_to: number;
  count: number;
}

export interface HistogramBar {
  label: string;
  count: number;
  /** 0..1, relative to the largest bucket. */
  share: number;
}

export function histogramBars(histogram: readonly HistogramBucket[]): HistogramBar[] {
  const first = histogram.findIndex((b) => b.count > 0);
  if (first < 0) return [];
  let last = histogram.length - 1;
  while (last > first && histogram[last]!.count === 0) last--;
  const peak = Math.max(...histogram.map((b) => b.count));
  const bars: HistogramBar[] = [];
  for (let i = first; i <= last; i++) {
    const bucket = histogram[i]!;
    const low = i === 0 ? 0 : histogram[i - 1]!.up_to + 1;
    const label = low >= bucket.up_to ? `${bucket.up_to}` : `${low}–${bucket.up_to}`;
    bars.push({ label, count: bucket.count, share: peak ? bucket.count / peak : 0 });
  }
  return bars;
}
