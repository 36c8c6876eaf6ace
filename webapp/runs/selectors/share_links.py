"""Reads of share links."""
from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from webapp.accounts.models import User
from webapp.accounts.selectors import member_of
from webapp.registry.models import Dataset, ModelAsset
from webapp.runs.models import Run, ShareLink
from webapp.runs.selectors.runs import DATASET_ROLES, MODEL_ROLES


def share_links_for(*, user: User, workspace_slug: str | None = None) -> QuerySet[ShareLink]:
    qs = ShareLink.objects.filter(member_of(user), revoked_at__isnull=True).select_related(
        "workspace", "created_by").prefetch_related("runs")
    if workspace_slug:
        qs = qs.filter(workspace__slug=workspace_slug)
    return qs


def share_link_by_token(*, token: str) -> ShareLink:
    return get_object_or_404(ShareLink.objects.select_related("workspace"), token=token, revoked_at__isnull=True)


def shared_input_names(*, runs: list[Run]) -> dict[str, dict[str, str]]:
    """The names of the models and datasets that shared runs use, by id (as text, like the config
    diff's keys), so that a page seen without an account names them rather than showing bare ids."""
    model_ids = {getattr(run, f"{role}_id") for run in runs for role in MODEL_ROLES} - {None}
    dataset_ids = {getattr(run, f"{role}_id") for run in runs for role in DATASET_ROLES} - {None}
    models = ModelAsset.objects.filter(pk__in=model_ids).values_list("pk", "name")
    datasets = Dataset.objects.filter(pk__in=dataset_ids).values_list("pk", "name")
    return {"models": {str(pk): name for pk, name in models}, "datasets": {str(pk): name for pk, name in datasets}}
