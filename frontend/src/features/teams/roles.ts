// What each workspace role may do, in the words the invitation and member forms show.

import type { WorkspaceRole } from '../../api/types';

export const ROLE_TEXT: Record<WorkspaceRole, string> = {
  owner: 'Owner: everything, including adding owners',
  admin: 'Admin: invite members, launch and manage runs',
  member: 'Member: launch runs, upload data, register models',
  viewer: 'Viewer: look only',
};
