import { describe, expect, it } from 'vitest';
import {
  ariaSort, canOrderByMetric, DEFAULT_ORDERING, EMPTY_FILTERS, filtersFromSearch, isFiltered, metricFilterText,
  metricOrderingKey, nextOrdering, orderingParam, parseMetricFilterText, parseOrdering, runListParams,
  searchFromFilters, updateFilters,
} from './runFilters';

describe('filters in the query string', () => {
  it('reads every filter, repeated metric and config filters included', () => {
    const search = new URLSearchParams(
      'q=%20distil%20&status=failed&method=kd_forward_kl&tag=baseline&starred=true&metric=eval%2Floss.min%3C2.1'
      + '&metric=train%2Floss.last%3C3&config=alpha%3D0.5&creator=ada&created_after=2025-11-01&ordering=-name&page=2',
    );
    expect(filtersFromSearch(search)).toEqual({
      q: 'distil', status: 'failed', method: 'kd_forward_kl', tag: 'baseline', starred: true,
      metric: ['eval/loss.min<2.1', 'train/loss.last<3'], config: ['alpha=0.5'], creator: 'ada',
      createdAfter: '2025-11-01', createdBefore: '', ordering: '-name', page: '2',
    });
  });

  it('reads an empty query string as no filters, and starred only when it says true', () => {
    expect(filtersFromSearch(new URLSearchParams(''))).toEqual(EMPTY_FILTERS);
    expect(filtersFromSearch(new URLSearchParams('starred=false&metric=&metric=%20')).starred).toBe(false);
    expect(filtersFromSearch(new URLSearchParams('metric=&metric=%20')).metric).toEqual([]);
  });

  it('writes only what differs from the defaults, and reads back the same filters', () => {
    expect(searchFromFilters(EMPTY_FILTERS).toString()).toBe('');
    const filters = { ...EMPTY_FILTERS, q: 'kd', starred: true, metric: ['eval/loss.min<2.1', ' '], ordering: 'metric:eval/loss:min' };
    const search = searchFromFilters(filters);
    expect(search.toString()).toBe('q=kd&starred=true&metric=eval%2Floss.min%3C2.1&ordering=metric%3Aeval%2Floss%3Amin');
    expect(filtersFromSearch(search)).toEqual({ ...filters, metric: ['eval/loss.min<2.1'] });
  });

  it('goes back to the first page when what is listed changes, not when the page does', () => {
    const onPage3 = { ...EMPTY_FILTERS, status: 'failed', page: '3' };
    expect(updateFilters(onPage3, { tag: 'x' })).toEqual({ ...onPage3, tag: 'x', page: '' });
    expect(updateFilters(onPage3, { ordering: 'name' }).page).toBe('');
    expect(updateFilters(onPage3, { page: '4' }).page).toBe('4');
  });

  it('builds the API parameters with the workspace and repeated filters as lists', () => {
    const filters = { ...EMPTY_FILTERS, status: 'running', metric: ['a.min<1', 'b.max>2'], config: ['seed=1'], page: '2' };
    expect(runListParams(filters, 'demo')).toEqual({
      workspace: 'demo', status: 'running', metric: ['a.min<1', 'b.max>2'], config: ['seed=1'], page: '2',
    });
    expect(runListParams(EMPTY_FILTERS, 'lab')).toEqual({ workspace: 'lab' });
  });

  it('says whether anything narrows the list (ordering and page do not)', () => {
    expect(isFiltered(EMPTY_FILTERS)).toBe(false);
    expect(isFiltered({ ...EMPTY_FILTERS, ordering: 'name', page: '2' })).toBe(false);
    expect(isFiltered({ ...EMPTY_FILTERS, starred: true })).toBe(true);
    expect(isFiltered({ ...EMPTY_FILTERS, metric: ['a.min<1'] })).toBe(true);
  });

  it('splits the metric filter text on semicolons', () => {
    expect(parseMetricFilterText(' eval/loss.min<2.1 ;; train/loss.last <= 3 ')).toEqual(['eval/loss.min<2.1', 'train/loss.last <= 3']);
    expect(parseMetricFilterText('  ')).toEqual([]);
    expect(metricFilterText(['a.min<1', 'b.max>2'])).toBe('a.min<1; b.max>2');
  });
});

describe('ordering', () => {
  it('reads and writes the ordering parameter, the default as nothing', () => {
    expect(parseOrdering('')).toEqual(DEFAULT_ORDERING);
    expect(parseOrdering('-metric:eval/loss:min')).toEqual({ key: 'metric:eval/loss:min', descending: true });
    expect(parseOrdering('name')).toEqual({ key: 'name', descending: false });
    expect(orderingParam({ key: 'created_at', descending: true })).toBe('');
    expect(orderingParam({ key: 'created_at', descending: false })).toBe('created_at');
    expect(orderingParam({ key: metricOrderingKey('eval/loss', 'min'), descending: true })).toBe('-metric:eval/loss:min');
  });

  it('flips the current column and starts dates descending, the rest ascending', () => {
    expect(nextOrdering(DEFAULT_ORDERING, 'created_at')).toEqual({ key: 'created_at', descending: false });
    expect(nextOrdering({ key: 'created_at', descending: false }, 'created_at')).toEqual(DEFAULT_ORDERING);
    expect(nextOrdering(DEFAULT_ORDERING, 'name')).toEqual({ key: 'name', descending: false });
    expect(nextOrdering({ key: 'name', descending: false }, 'name')).toEqual({ key: 'name', descending: true });
    expect(nextOrdering({ key: 'name', descending: true }, 'metric:eval/loss:last')).toEqual({ key: 'metric:eval/loss:last', descending: false });
  });

  it('gives aria-sort for a header', () => {
    expect(ariaSort(DEFAULT_ORDERING, 'created_at')).toBe('descending');
    expect(ariaSort({ key: 'name', descending: false }, 'name')).toBe('ascending');
    expect(ariaSort(DEFAULT_ORDERING, 'name')).toBe('none');
  });

  it('refuses metric names the ordering parameter cannot carry', () => {
    expect(canOrderByMetric('eval/loss')).toBe(true);
    expect(canOrderByMetric('eval:loss')).toBe(false);
    expect(canOrderByMetric('')).toBe(false);
  });
});
