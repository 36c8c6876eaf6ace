// The runs list's filters and ordering, kept in the page's query string so that a filtered,
// sorted view can be bookmarked or shared: reading them from the URL, writing them back (leaving
// defaults out), building the API's list parameters, and the `ordering` parameter of sortable
// columns (created_at, name, status, metric:NAME:STAT; '-' descends).

import type { RunListParams } from '../api/types';

export interface RunFilters {
  /** '' for every status; one status or several separated by commas. */
  status: string;
  method: string;
  tag: string;
  starred: boolean;
  /** Name contains. */
  q: string;
  /** Summary filters such as "eval/loss.min<2.1", all of which must hold. */
  metric: string[];
  /** Config filters such as "training.learning_rate=0.001" (from the URL; no input of their own). */
  config: string[];
  creator: string;
  createdAfter: string;
  createdBefore: string;
  /** '' for the server's default (newest first). */
  ordering: string;
  /** '' for the first page. */
  page: string;
}

export const EMPTY_FILTERS: RunFilters = {
  status: '', method: '', tag: '', starred: false, q: '', metric: [], config: [], creator: '', createdAfter: '',
  createdBefore: '', ordering: '', page: '',
};

/** URL parameter of each single-valued filter (the same names the API uses). */
const SINGLE: Record<'status' | 'method' | 'tag' | 'q' | 'creator' | 'createdAfter' | 'createdBefore' | 'ordering' | 'page', string> = {
  status: 'status', method: 'method', tag: 'tag', q: 'q', creator: 'creator', createdAfter: 'created_after',
  createdBefore: 'created_before', ordering: 'ordering', page: 'page',
};

const clean = (values: readonly string[]) => values.map((v) => v.trim()).filter(Boolean);

export function filtersFromSearch(search: URLSearchParams): RunFilters {
  const filters: RunFilters = { ...EMPTY_FILTERS, metric: clean(search.getAll('metric')), config: clean(search.getAll('config')) };
  for (const [field, param] of Object.entries(SINGLE) as [keyof typeof SINGLE, string][]) {
    filters[field] = (search.get(param) ?? '').trim();
  }
  filters.starred = search.get('starred') === 'true';
  return filters;
}

/** The page's query string for these filters: only what differs from the defaults, in a fixed order. */
export function searchFromFilters(filters: RunFilters): URLSearchParams {
  const search = new URLSearchParams();
  const single = (field: keyof typeof SINGLE) => {
    const value = filters[field].trim();
    if (value) search.set(SINGLE[field], value);
  };
  single('q');
  single('status');
  single('method');
  single('tag');
  if (filters.starred) search.set('starred', 'true');
  for (const m of clean(filters.metric)) search.append('metric', m);
  for (const c of clean(filters.config)) search.append('config', c);
  single('creator');
  single('createdAfter');
  single('createdBefore');
  single('ordering');
  single('page');
  return search;
}

/**
 * New filters after a change: any change of what is listed (anything but the page) goes back to
 * the first page, since page 3 of another selection means nothing.
 */
export function updateFilters(filters: RunFilters, change: Partial<RunFilters>): RunFilters {
  const next = { ...filters, ...change };
  if (!('page' in change)) next.page = '';
  return next;
}

/** GET /runs/ parameters for the filters in this workspace. */
export function runListParams(filters: RunFilters, workspace: string): RunListParams {
  const params: RunListParams = { workspace };
  for (const [key, value] of searchFromFilters(filters)) {
    if (key === 'metric' || key === 'config') params[key] = [...((params[key] as string[] | undefined) ?? []), value];
    else params[key] = value;
  }
  return params;
}

/** Whether anything narrows the list (ordering and page do not). */
export function isFiltered(filters: RunFilters): boolean {
  const { ordering: _o, page: _p, ...rest } = filters;
  return searchFromFilters({ ...EMPTY_FILTERS, ...rest }).size > 0;
}

/**
 * The metric filter input's text -> filters: several are separated by ';' ("eval/loss.min<2.1;
 * train/loss.last<3"), since a metric name may hold almost anything else.
 */
export function parseMetricFilterText(text: string): string[] {
  return clean(text.split(';'));
}

export function metricFilterText(metric: readonly string[]): string {
  return metric.join('; ');
}

// --- ordering ------------------------------------------------------------------------------------

export interface Ordering {
  /** created_at, finished_at, name, status, or metric:NAME:STAT. */
  key: string;
  descending: boolean;
}

/** The server's default when no ordering is given. */
export const DEFAULT_ORDERING: Ordering = { key: 'created_at', descending: true };

export function parseOrdering(param: string | null | undefined): Ordering {
  const text = (param ?? '').trim();
  if (!text) return DEFAULT_ORDERING;
  return text.startsWith('-') ? { key: text.slice(1), descending: true } : { key: text, descending: false };
}

/** The `ordering` parameter; '' for the default, so the URL stays clean. */
export function orderingParam(ordering: Ordering): string {
  if (ordering.key === DEFAULT_ORDERING.key && ordering.descending === DEFAULT_ORDERING.descending) return '';
  return `${ordering.descending ? '-' : ''}${ordering.key}`;
}

export function metricOrderingKey(name: string, stat: string): string {
  return `metric:${name}:${stat}`;
}

/** Keys that sort newest or largest first on their first click: dates. Names, statuses and metrics start ascending. */
const FIRST_DESCENDING = new Set(['created_at', 'finished_at']);

/** A click on a column header: the other direction if it is the current sort, else the column's first direction. */
export function nextOrdering(current: Ordering, key: string): Ordering {
  if (current.key === key) return { key, descending: !current.descending };
  return { key, descending: FIRST_DESCENDING.has(key) };
}

/** aria-sort for a column header. */
export function ariaSort(current: Ordering, key: string): 'ascending' | 'descending' | 'none' {
  if (current.key !== key) return 'none';
  return current.descending ? 'descending' : 'ascending';
}

/**
 * A metric name that the server's `metric:NAME:STAT` ordering can carry: it splits on ':', so a
 * name with a colon in it cannot be sorted on.
 */
export function canOrderByMetric(name: string): boolean {
  return name !== '' && !name.includes(':');
}
