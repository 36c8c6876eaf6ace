// Workspace settings: its members (invite one, change a role, remove one, leave), its share links
// (copy, revoke), its notifications and their delivery log, its history (download, import) and
// its audit log; and the signed-in user's API tokens (create, shown once with a
// copy button; revoke). The sections are in features/workspaces/settings/.

import type { Workspace } from '../api/types';
import { useWorkspace } from '../app/workspace';
import { HistorySettings } from '../components/HistorySettings';
import { NotificationSettings } from '../components/NotificationSettings';
import { NoWorkspace } from '../components/NoWorkspace';
import { AuditLogSection } from '../features/workspaces/settings/AuditLogSection';
import { Members } from '../features/workspaces/settings/Members';
import { ShareLinksSection } from '../features/workspaces/settings/ShareLinksSection';
import { TokensSection } from '../features/workspaces/settings/TokensSection';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

export function SettingsPage() {
  useDocumentTitle('Settings');
  const { current } = useWorkspace();
  return (
    <>
      <div className="page-header">
        <h1>Settings</h1>
      </div>
      {current ? <WorkspaceSettings key={current.slug} workspace={current} /> : <NoWorkspace />}
      <TokensSection />
    </>
  );
}

function WorkspaceSettings({ workspace }: { workspace: Workspace }) {
  return (
    <>
      <section className="run-section" aria-labelledby="workspace-heading">
        <h2 id="workspace-heading">Workspace {workspace.name}</h2>
        <dl className="details">
          <dt>Slug</dt><dd><code>{workspace.slug}</code></dd>
          <dt>Your role</dt><dd>{workspace.role}</dd>
        </dl>
        <Members workspace={workspace} />
      </section>
      <ShareLinksSection workspace={workspace} />
      <NotificationSettings workspace={workspace} />
      <HistorySettings workspace={workspace} />
      <AuditLogSection workspace={workspace} />
    </>
  );
}
