"""Reads of registered models and their lineage, scoped to the caller's workspaces."""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from webapp.accounts.models import User
from webapp.accounts.selectors import member_of
from webapp.registry.models import ModelAsset


def models_for(*, user: User, workspace_slug: str | None = None) -> QuerySet[ModelAsset]:
    qs = ModelAsset.objects.filter(member_of(user)).select_related("workspace").prefetch_related(
        "ingredient_links", "soup_links")
    if workspace_slug:
        qs = qs.filter(workspace__slug=workspace_slug)
    return qs


def model_get(*, user: User, pk: int) -> ModelAsset:
    return get_object_or_404(models_for(user=user), pk=pk)


MAX_LINEAGE_DEPTH = 20


def model_lineage(*, model: ModelAsset) -> dict:
    """The model's ancestry and descendants through runs.

    Up: the run that produced the model, that run's teacher (and student it started from, and the
    reference model of an alignment run), and so on. Down: runs that used the model as teacher,
    student or reference, and the models those runs produced.
    Each step is one query; depth is bounded so a malformed cycle cannot loop forever.
    """
    from webapp.runs.models import Run

    def node(asset: ModelAsset) -> dict:
        return {"id": asset.id, "name": asset.name, "source": asset.source, "architecture": asset.architecture,
                "parameter_count": asset.parameter_count}

    ancestors, current, seen = [], model, {model.id}
    for _ in range(MAX_LINEAGE_DEPTH):
        run = current.produced_by_run
        if run is None:
            break
        step = {"run": {"id": run.id, "name": run.name, "method": run.method},
                "teacher": node(run.teacher) if run.teacher else None, "initial": node(run.student),
                "reference": node(run.reference) if run.reference_id else None}
        ancestors.append(step)
        parent = run.teacher or run.student
        if parent.id in seen:
            break
        seen.add(parent.id)
        current = parent

    descendants, frontier = [], {model.id: model}
    for _ in range(MAX_LINEAGE_DEPTH):
        runs = Run.objects.filter(Q(teacher_id__in=frontier) | Q(student_id__in=frontier)
                                  | Q(reference_id__in=frontier)).prefetch_related("produced_models")
        next_frontier = {}
        for run in runs:
            role = ("teacher" if run.teacher_id in frontier else "student" if run.student_id in frontier
                    else "reference")
            parent = {"teacher": run.teacher_id, "student": run.student_id, "reference": run.reference_id}[role]
            for produced in run.produced_models.all():
                if produced.id in seen:
                    continue
                seen.add(produced.id)
                next_frontier[produced.id] = produced
                descendants.append({"from": parent, "role": role, "model": node(produced),
                                    "run": {"id": run.id, "name": run.name, "method": run.method}})
        if not next_frontier:
            break
        frontier = next_frontier
    ingredients = [node(link.ingredient) for link in model.ingredient_links.select_related("ingredient")]
    soups = [node(link.soup) for link in model.soup_links.select_related("soup").order_by("soup__created_at")]
    return {"model": node(model), "ancestors": ancestors, "descendants": descendants, "ingredients": ingredients,
            "soups": soups}
