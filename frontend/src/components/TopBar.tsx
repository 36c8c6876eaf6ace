// Top bar: app name, workspace switcher, main navigation, the signed-in user and sign out.

import { Link, NavLink, useLocation, useNavigate } from 'react-router';
import { useMe } from '../features/auth/api/queries';
import { useSignOut } from '../features/auth/api/mutations';
import { useWorkspace } from '../app/workspace';
import { pageAfterWorkspaceSwitch } from '../lib/navigation';
import { canWrite } from '../lib/workspace';

export function TopBar() {
  const me = useMe();
  const { workspaces, current, select } = useWorkspace();
  const location = useLocation();
  const navigate = useNavigate();
  const signOut = useSignOut(() => void navigate('/login', { replace: true }));

  const onWorkspaceChange = (slug: string) => {
    select(slug);
    // Runs, models and datasets belong to one workspace, and a page number or filter of the old
    // list means nothing in the new one: after switching, show the new workspace's list.
    const target = pageAfterWorkspaceSwitch(location.pathname);
    if (target) void navigate(target);
  };

  const onRunsPage = location.pathname === '/runs' || /^\/runs\/\d+/.test(location.pathname) || location.pathname === '/compare';

  return (
    <header className="topbar">
      <Link to="/runs" className="topbar-brand">Distillery</Link>
      <div className="topbar-workspace">
        <label htmlFor="workspace-switcher">Workspace</label>
        <select
          id="workspace-switcher"
          value={current?.slug ?? ''}
          onChange={(event) => onWorkspaceChange(event.target.value)}
          disabled={workspaces.length === 0}
        >
          {workspaces.length === 0 && <option value="">No workspace</option>}
          {workspaces.map((workspace) => (
            <option key={workspace.slug} value={workspace.slug}>
              {workspace.name} ({workspace.role})
            </option>
          ))}
        </select>
      </div>
      <nav aria-label="Main" className="topbar-nav">
        <NavLink to="/" end>Dashboard</NavLink>
        <NavLink to="/runs" end className={() => (onRunsPage ? 'active' : undefined)}>Runs</NavLink>
        {/* A viewer cannot launch runs in this workspace: no link to a form the server would refuse. */}
        {!(current && !canWrite(current)) && <NavLink to="/runs/new">New run</NavLink>}
        <NavLink to="/datasets">Datasets</NavLink>
        <NavLink to="/models">Models</NavLink>
        <NavLink to="/playground">Playground</NavLink>
        <NavLink to="/settings">Settings</NavLink>
      </nav>
      <div className="topbar-user">
        {me.data && <span className="topbar-username" aria-label="Signed in as">{me.data.username}</span>}
        <button type="button" className="button-quiet" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
          Sign out
        </button>
        {signOut.isError && <span role="alert" className="topbar-error">Sign out failed: {signOut.error.message}</span>}
      </div>
    </header>
  );
}
