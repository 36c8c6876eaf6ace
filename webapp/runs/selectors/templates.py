"""Reads of run templates."""
from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from webapp.accounts.models import User
from webapp.accounts.selectors import member_of
from webapp.runs.models import RunTemplate


def templates_for(*, user: User, workspace_slug: str | None = None) -> QuerySet[RunTemplate]:
    qs = RunTemplate.objects.filter(member_of(user)).select_related("workspace")
    if workspace_slug:
        qs = qs.filter(workspace__slug=workspace_slug)
    return qs


def template_get(*, user: User, pk: int) -> RunTemplate:
    return get_object_or_404(templates_for(user=user), pk=pk)
