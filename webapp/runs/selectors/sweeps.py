"""Reads of sweeps."""
from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from webapp.accounts.models import User
from webapp.accounts.selectors import member_of
from webapp.runs.models import Sweep


def sweeps_for(*, user: User, workspace_slug: str | None = None) -> QuerySet[Sweep]:
    qs = Sweep.objects.filter(member_of(user)).select_related("workspace", "creator")
    if workspace_slug:
        qs = qs.filter(workspace__slug=workspace_slug)
    return qs


def sweep_get(*, user: User, pk: int) -> Sweep:
    return get_object_or_404(sweeps_for(user=user), pk=pk)
