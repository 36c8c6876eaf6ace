// Frame of every signed-in screen: the top bar and the page.

import { Suspense } from 'react';
import { Outlet } from 'react-router';
import { TopBar } from '../components/TopBar';
import { YourInvitations } from '../features/teams/YourInvitations';
import { WorkspaceProvider } from './workspace';

export function Layout() {
  return (
    <WorkspaceProvider>
      <a className="skip-link" href="#main">Skip to content</a>
      <TopBar />
      <main id="main" className="page" tabIndex={-1}>
        <YourInvitations />
        <Suspense fallback={<p role="status" className="page-loading">Loading…</p>}>
          <Outlet />
        </Suspense>
      </main>
    </WorkspaceProvider>
  );
}
