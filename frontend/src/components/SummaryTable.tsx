// Last, min and max of each metric for each compared (or shared) run, exportable as CSV.

import { useMemo } from 'react';
import type { Run } from '../api/types';
import { summaryCsv, summaryRows } from '../lib/compare';
import { downloadText } from '../lib/csv';
import { formatMetricValue } from '../lib/format';

export function SummaryTable({ runs, metrics, fileName }: { runs: Run[]; metrics: string[]; fileName: string }) {
  const rows = useMemo(() => summaryRows(runs, metrics), [runs, metrics]);
  const onExport = () => downloadText(fileName, summaryCsv(rows));
  return (
    <section className="run-section" aria-labelledby="summary-heading">
      <div className="section-header">
        <h2 id="summary-heading">Summary</h2>
        <button type="button" onClick={onExport} disabled={rows.length === 0}>Export CSV</button>
      </div>
      {rows.length === 0 ? <p className="muted">No metrics to summarise.</p> : (
        <div className="table-wrap">
          <table className="table" data-testid="compare-summary">
            <caption className="visually-hidden">Last, min and max of each metric for each run</caption>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">Run</th>
                <th scope="col" className="numeric">Last</th>
                <th scope="col" className="numeric">at step</th>
                <th scope="col" className="numeric">Min</th>
                <th scope="col" className="numeric">Max</th>
                <th scope="col" className="numeric">Points</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => (
                <tr key={`${row.metric}-${row.runId}`} className={i > 0 && rows[i - 1]!.metric !== row.metric ? 'group-start' : undefined}
                  data-metric={row.metric} data-run-id={row.runId}>
                  <th scope="row"><code>{row.metric}</code></th>
                  <td>{row.runName} <span className="muted">#{row.runId}</span></td>
                  <td className="numeric">{formatMetricValue(row.last)}</td>
                  <td className="numeric">{row.lastStep ?? '—'}</td>
                  <td className="numeric">{formatMetricValue(row.min)}</td>
                  <td className="numeric">{formatMetricValue(row.max)}</td>
                  <td className="numeric">{row.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
