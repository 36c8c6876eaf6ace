// The alignment panel: for preference methods (DPO, IPO, ...) the implicit rewards of the chosen
// and rejected answers, their margin and how often chosen wins; for reward-driven methods (GRPO,
// KDRL) the reward curves and the KL to the reference. Train metrics first, then eval.

import { alignmentMetrics, type AlignmentKind } from '../lib/methodPanels';
import { EMPTY_SERIES, type SeriesByName } from '../lib/series';
import { lastValue } from '../lib/teacherGap';
import { formatMetricValue } from '../lib/format';
import { MetricChart } from './MetricChart';

const EXPLAIN: Record<AlignmentKind, string> = {
  preference:
    'Implicit rewards β·(log π − log π_ref) of the chosen and rejected answers: the margin should grow and the accuracy (chosen above rejected) rise above 0.5.',
  rl: 'Mean and spread of the reward over sampled completions, and the KL to the reference: the reward should rise while the KL stays bounded.',
};

export function AlignmentPanel({ kind, series, smoothing = 0 }: { kind: AlignmentKind; series: SeriesByName; smoothing?: number }) {
  const { train, eval: evaluation } = alignmentMetrics(kind);
  const names = [...train, ...evaluation];
  const reported = names.filter((name) => (series[name]?.steps.length ?? 0) > 0);
  return (
    <section className="run-section method-panel" aria-labelledby="alignment-heading" data-testid="alignment-panel" data-kind={kind}>
      <h2 id="alignment-heading">{kind === 'rl' ? 'Rewards' : 'Preference rewards'}</h2>
      <p className="hint">{EXPLAIN[kind]}</p>
      <dl className="details metric-values" aria-label="Last values">
        {names.map((name) => (
          <div key={name} className="metric-value" data-metric={name}>
            <dt>{name}</dt>
            <dd>{formatMetricValue(lastValue(series[name]?.values ?? []))}</dd>
          </div>
        ))}
      </dl>
      {reported.length === 0 ? (
        <p className="muted">None of these metrics has been reported yet.</p>
      ) : (
        <div className="chart-grid">
          {reported.map((name) => (
            <MetricChart key={name} name={name} series={series[name] ?? EMPTY_SERIES} smoothing={smoothing} testId={`panel-chart-${name}`} />
          ))}
        </div>
      )}
    </section>
  );
}
