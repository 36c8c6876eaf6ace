import type { RunStatus } from '../api/types';

export function StatusBadge({ status }: { status: RunStatus }) {
  return (
    <span className={`status status-${status}`} data-testid="run-status" data-status={status}>
      {status}
    </span>
  );
}
