// Small formatters for what the UI shows: ETAs, times, metric values, sizes, paper links.

/** "45s", "12m 05s", "2h 03m", "3d 4h"; a dash when the ETA is unknown. */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes}m ${pad2(s % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${pad2(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** Fraction done in [0, 1], or null when the total is unknown. */
export function progressFraction(step: number | null | undefined, total: number | null | undefined): number | null {
  if (step === null || step === undefined || !total || total <= 0) return null;
  return Math.min(1, Math.max(0, step / total));
}

/** A metric value with 4 significant digits; exponent form for very small or large numbers. */
export function formatMetricValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e6) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/** A chart axis tick: as short as possible ("5e-4", "0.25", "1.2e+6"). */
export function formatAxisValue(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e6) {
    const [mantissa, exponent] = value.toExponential(2).split('e');
    return `${Number(mantissa)}e${exponent}`;
  }
  return String(Number(value.toPrecision(4)));
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A count in short form: 950, 12.3K, 1.2M, 7B (parameters, rows). */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
  for (const [size, suffix] of units) {
    if (abs >= size * 0.9995) {
      const scaled = n / size;
      // One decimal below 100 (1.2M, 12.3M), none above (123M); never "1000K".
      const text = Math.abs(scaled) < 99.95 ? scaled.toFixed(1).replace(/\.0$/, '') : String(Math.round(scaled));
      return `${text}${suffix}`;
    }
  }
  return String(Math.round(n));
}

/** An age in words: "just now", "45 s ago", "3 min ago", "2 h ago", "4 d ago". */
export function formatAgo(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return 'never';
  const s = Math.max(0, Math.round(seconds));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** The first characters of a hash, enough to tell versions apart. */
export function shortSha(sha: string | null | undefined, length = 12): string {
  return sha ? sha.slice(0, length) : '—';
}

/** Accepts unix seconds or an ISO string (the API uses both). */
export function toDate(time: number | string | null | undefined): Date | null {
  if (time === null || time === undefined || time === '') return null;
  const date = typeof time === 'number' ? new Date(time * 1000) : new Date(time);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatDateTime(time: number | string | null | undefined, locale?: string): string {
  const date = toDate(time);
  if (!date) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** HH:MM:SS in local time, for log lines. */
export function formatClock(time: number | string | null | undefined): string {
  const date = toDate(time);
  if (!date) return '';
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

export interface PaperRef {
  title: string;
  url: string | null;
}

/** A method's paper (`{title, url}`) as a title and a link, either of which may be empty. */
export function parsePaper(paper: Partial<PaperRef> | null | undefined): PaperRef {
  if (!paper) return { title: '', url: null };
  return { title: paper.title || paper.url || '', url: paper.url || null };
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** A run's resources in words: "CPU", "2 GPUs", "2 hosts × 1 GPU", "3 hosts (CPU)". */
export function formatResources(resources: { gpus?: number; nodes?: number } | null | undefined): string {
  const gpus = resources?.gpus ?? 0;
  const nodes = resources?.nodes ?? 1;
  const perHost = gpus ? `${gpus} GPU${gpus > 1 ? 's' : ''}` : 'CPU';
  if (nodes <= 1) return perHost;
  return gpus ? `${nodes} hosts × ${perHost}` : `${nodes} hosts (CPU)`;
}
