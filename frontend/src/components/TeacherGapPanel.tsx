// "Teacher gap": the distilled student against its teacher and against the same student trained
// without a teacher (a baseline lm_train run, chosen here and remembered in the URL as
// ?baseline=ID, or ?baseline=none).

import { useId } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useRun, useRuns } from '../features/runs/api/queries';
import type { Run } from '../api/types';
import { formatMetricValue } from '../lib/format';
import { BASELINE_METHOD, chosenBaseline, defaultBaseline, gapClosed, GAP_METRIC, lastValue, summaryLast, TEACHER_METRIC } from '../lib/teacherGap';
import type { SeriesByName } from '../lib/series';
import { errorMessage } from './ErrorAlert';

const ROWS: { label: string; student: string; teacher: string }[] = [
  { label: 'Loss', student: GAP_METRIC, teacher: TEACHER_METRIC },
  { label: 'Perplexity', student: 'eval/perplexity', teacher: 'eval/teacher/perplexity' },
  { label: 'ECE', student: 'eval/ece', teacher: 'eval/teacher/ece' },
];

/** The run's own latest value of a metric: the live series first, then the run's summary. */
function current(run: Run, series: SeriesByName, name: string): number | null {
  const values = series[name]?.values;
  return (values ? lastValue(values) : null) ?? summaryLast(run, name);
}

export function TeacherGapPanel({ run, series }: { run: Run; series: SeriesByName }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const selectId = useId();
  const candidates = useRuns({ workspace: run.workspace, method: BASELINE_METHOD, status: 'succeeded', page_size: '100' });
  const list = candidates.data?.results ?? [];
  const param = searchParams.get('baseline');
  const baseline = chosenBaseline(param, run, list);
  // The list's summaries may be older than the run: read the chosen one on its own.
  const baselineDetail = useRun(baseline?.id ?? 0);
  const baselineRun = baselineDetail.data ?? baseline ?? undefined;
  const suggested = defaultBaseline(run, list);

  const onChange = (value: string) => {
    const next = new URLSearchParams(searchParams);
    if (value === (suggested ? String(suggested.id) : 'none')) next.delete('baseline');
    else next.set('baseline', value);
    setSearchParams(next, { replace: true });
  };

  const values = ROWS.map((row) => ({
    ...row,
    studentValue: current(run, series, row.student),
    teacherValue: current(run, series, row.teacher),
    baselineValue: baselineRun ? summaryLast(baselineRun, row.student) : null,
  }));
  const loss = values[0]!;
  const gap = gapClosed({ student: loss.studentValue, teacher: loss.teacherValue, baseline: loss.baselineValue, baselineChosen: Boolean(baseline) });

  return (
    <section className="run-section method-panel" aria-labelledby="teacher-gap-heading" data-testid="teacher-gap">
      <h2 id="teacher-gap-heading">Teacher gap</h2>
      <p className="hint">
        How much of the distance between the student trained without a teacher (the baseline) and the teacher this run closed, on the last eval loss.
      </p>
      <div className="field field-inline">
        <label htmlFor={selectId}>Baseline run</label>
        <select id={selectId} value={baseline ? String(baseline.id) : 'none'} onChange={(e) => onChange(e.target.value)}
          disabled={candidates.isPending}>
          <option value="none">{candidates.isPending ? 'Loading…' : 'No baseline'}</option>
          {param && param !== 'none' && !baseline && <option value={param}>Run #{param}</option>}
          {list.filter((c) => c.id !== run.id).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name || `Run ${c.id}`} (#{c.id}{c.student === run.student && c.train_dataset === run.train_dataset ? ', same student and data' : ''})
            </option>
          ))}
        </select>
        {baseline && <Link to={`/runs/${baseline.id}`}>open</Link>}
      </div>
      {/* Not an alert: the rest of the page works without it. */}
      {candidates.isError && <p className="muted">The baseline runs could not be loaded: {errorMessage(candidates.error)}</p>}
      {candidates.data && list.length === 0 && (
        <p className="muted">No finished {BASELINE_METHOD} run in this workspace: train the student without a teacher to get a baseline.</p>
      )}
      <div className="table-wrap">
        <table className="table table-compact" data-testid="teacher-gap-values">
          <caption className="visually-hidden">Last eval values of the student, the teacher and the baseline</caption>
          <thead>
            <tr>
              <th scope="col">Metric (last)</th>
              <th scope="col" className="numeric">Student (this run)</th>
              <th scope="col" className="numeric">Teacher</th>
              <th scope="col" className="numeric">Student without teacher</th>
            </tr>
          </thead>
          <tbody>
            {values.map((row) => (
              <tr key={row.label} data-metric={row.student}>
                <th scope="row">{row.label} <span className="muted">({row.student})</span></th>
                <td className="numeric" data-role="student">{formatMetricValue(row.studentValue)}</td>
                <td className="numeric" data-role="teacher">{formatMetricValue(row.teacherValue)}</td>
                <td className="numeric" data-role="baseline">{formatMetricValue(row.baselineValue)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="gap-closed" data-testid="gap-closed" data-state={gap.ok ? 'ok' : 'unavailable'}
        data-value={gap.ok ? gap.value.toFixed(4) : undefined}>
        <strong>Share of the gap closed</strong> = (baseline − student) / (baseline − teacher):{' '}
        {gap.ok ? <strong>{(gap.value * 100).toFixed(1)}%</strong> : <span>cannot be computed. {gap.reason}</span>}
        {gap.ok && <span className="muted"> (0% = no better than without a teacher, 100% = as good as the teacher)</span>}
      </p>
    </section>
  );
}
