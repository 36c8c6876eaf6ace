// The workspace's sweeps on the runs page, newest first, each a link to its page. Nothing is shown
// when there are none, or when the server cannot list them (the runs are what the page is for).

import { Link } from 'react-router';
import { useSweeps } from '../features/sweeps/api/queries';
import type { Workspace } from '../api/types';
import { formatDateTime } from '../lib/format';
import { pathLabel } from '../lib/sweeps';

export function SweepsList({ workspace }: { workspace: Workspace }) {
  const sweeps = useSweeps(workspace.slug);
  if (!sweeps.data || sweeps.data.length === 0) return null;
  const sorted = [...sweeps.data].sort((a, b) => b.created_at.localeCompare(a.created_at));
  return (
    <details className="templates">
      <summary>
        <h2 className="templates-title">Sweeps ({sorted.length})</h2>
      </summary>
      <ul className="sweeps-list" data-testid="sweeps-list">
        {sorted.map((sweep) => (
          <li key={sweep.id} data-sweep-id={sweep.id}>
            <Link to={`/sweeps/${sweep.id}`}>{sweep.name}</Link>{' '}
            <span className="muted">
              {sweep.strategy} over {Object.keys(sweep.parameters).map(pathLabel).join(', ')} · {sweep.goal} {sweep.metric} · {formatDateTime(sweep.created_at)}
            </span>
          </li>
        ))}
      </ul>
    </details>
  );
}
