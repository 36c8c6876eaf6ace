"""Users, workspaces (teams), memberships with roles, and personal API tokens."""
