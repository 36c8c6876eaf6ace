"""Reads of datasets, scoped to the caller's workspaces."""
from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from webapp.accounts.models import User
from webapp.accounts.selectors import member_of
from webapp.registry.models import Dataset, DatasetImport, DatasetTask


def datasets_for(*, user: User, workspace_slug: str | None = None) -> QuerySet[Dataset]:
    qs = Dataset.objects.filter(member_of(user)).select_related("workspace")
    if workspace_slug:
        qs = qs.filter(workspace__slug=workspace_slug)
    return qs


def dataset_get(*, user: User, pk: int) -> Dataset:
    return get_object_or_404(datasets_for(user=user), pk=pk)


def dataset_tasks(*, dataset: Dataset) -> QuerySet[DatasetTask]:
    """A task sequence's tasks in training order, with their datasets (one query)."""
    return dataset.tasks.select_related("train_dataset", "validation_dataset").order_by("position")


def dataset_import_get(*, user: User, pk: int) -> DatasetImport:
    return get_object_or_404(DatasetImport.objects.filter(member_of(user)).select_related("workspace"), pk=pk)
