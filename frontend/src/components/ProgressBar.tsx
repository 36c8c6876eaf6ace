// A run's progress: a bar with step/total and the ETA while it runs.

import type { RunProgress, RunStatus } from '../api/types';
import { formatEta, progressFraction } from '../lib/format';

export function ProgressBar({ progress, status }: { progress: RunProgress | null; status: RunStatus }) {
  const step = progress?.step ?? 0;
  const total = progress?.total ?? null;
  const fraction = status === 'succeeded' ? 1 : progressFraction(step, total);
  const percent = fraction === null ? null : Math.round(fraction * 100);
  const showEta = status === 'running' && progress?.eta_s !== null && progress?.eta_s !== undefined;
  const text = total ? `${step} / ${total} steps` : step > 0 ? `step ${step}` : status === 'queued' ? 'waiting for a worker' : '';
  return (
    <div className="progress" data-testid="run-progress">
      <div
        className={`progress-track progress-${status}`}
        role="progressbar"
        aria-label="Training progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={[text, showEta ? `ETA ${formatEta(progress!.eta_s)}` : ''].filter(Boolean).join(', ') || undefined}
      >
        <div className="progress-fill" style={{ width: `${percent ?? 0}%` }} />
      </div>
      <span className="progress-text">
        {text}
        {showEta && <span className="progress-eta"> · ETA {formatEta(progress!.eta_s)}</span>}
      </span>
    </div>
  );
}
