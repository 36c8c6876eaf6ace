"""Writes for share links."""
from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from webapp.accounts.audit import audit
from webapp.accounts.models import User, Workspace
from webapp.accounts.selectors import require_write
from webapp.common.errors import Invalid
from webapp.runs.models import Run, ShareLink


@transaction.atomic
def share_link_create(*, workspace: Workspace, user: User, runs: list[Run], title: str = "") -> ShareLink:
    require_write(user=user, workspace=workspace)
    if not runs:
        raise Invalid("A share link needs at least one run.", field="runs")
    if len(runs) > 50:
        raise Invalid("A share link can show at most 50 runs.", field="runs")
    if any(run.workspace_id != workspace.id for run in runs):
        raise Invalid("Every shared run must belong to the workspace the link is made in.", field="runs")
    link = ShareLink.objects.create(workspace=workspace, token=secrets.token_urlsafe(32), title=title, created_by=user)
    link.runs.set(runs)
    audit(workspace=workspace, actor=user, action="share.create", target=link, runs=[r.id for r in runs], title=title)
    return link


def share_link_revoke(*, link: ShareLink, user: User) -> None:
    require_write(user=user, workspace=link.workspace)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit(workspace=link.workspace, actor=user, action="share.revoke", target=link)
