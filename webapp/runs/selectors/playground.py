"""Reads of playground sessions."""
from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from webapp.accounts.models import User
from webapp.accounts.selectors import member_of
from webapp.runs.models import PlaygroundSession


def playground_sessions_for(*, user: User, workspace_slug: str | None = None) -> QuerySet[PlaygroundSession]:
    qs = PlaygroundSession.objects.filter(member_of(user)).select_related("workspace").prefetch_related(
        "chosen_models", "outputs")
    if workspace_slug:
        qs = qs.filter(workspace__slug=workspace_slug)
    return qs


def playground_session_get(*, user: User, pk: int) -> PlaygroundSession:
    return get_object_or_404(playground_sessions_for(user=user), pk=pk)
