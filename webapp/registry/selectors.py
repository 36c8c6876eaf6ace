"""Reads of models and datasets, scoped to the caller's workspaces."""
from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from webapp.accounts.models import User
from webapp.accounts.selectors import member_of
from webapp.registry.models import Dataset, ModelAsset


def models_for(*, user: User, workspace_slug: str | None = None) -> QuerySet[ModelAsset]:
    qs = ModelAsset.objects.filter(member_of(user)).select_related("workspace")
    if workspace_slug:
        qs = qs.filter(workspace__slug=workspace_slug)
    return qs


def model_get(*, user: User, pk: int) -> ModelAsset:
    return get_object_or_404(models_for(user=user), pk=pk)


def datasets_for(*, user: User, workspace_slug: str | None = None) -> QuerySet[Dataset]:
    qs = Dataset.objects.filter(member_of(user)).select_related("workspace")
    if workspace_slug:
        qs = qs.filter(workspace__slug=workspace_slug)
    return qs


def dataset_get(*, user: User, pk: int) -> Dataset:
    return get_object_or_404(datasets_for(user=user), pk=pk)
