"""Reads of share links."""
from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from webapp.accounts.models import User
from webapp.accounts.selectors import member_of
from webapp.runs.models import ShareLink


def share_links_for(*, user: User, workspace_slug: str | None = None) -> QuerySet[ShareLink]:
    qs = ShareLink.objects.filter(member_of(user), revoked_at__isnull=True).select_related(
        "workspace", "created_by").prefetch_related("runs")
    if workspace_slug:
        qs = qs.filter(workspace__slug=workspace_slug)
    return qs


def share_link_by_token(*, token: str) -> ShareLink:
    return get_object_or_404(ShareLink.objects.select_related("workspace"), token=token, revoked_at__isnull=True)
