"""Which runs used a model or a dataset, in which roles, and each run's key metric: what a model's
or dataset's page lists. The object is read through model_get/dataset_get, so only members of its
workspace get this far."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from webapp.common.errors import Invalid
from webapp.registry.models import Dataset, ModelAsset

# role (as the API names it) -> the Run field that holds the object in that role.
MODEL_ROLES = {"student": "student", "teacher": "teacher", "reference": "reference"}
DATASET_ROLES = {"train": "train_dataset", "validation": "validation_dataset", "replay": "replay_dataset"}

# Metrics that get better as they rise (the others fall); engine.spec names the first three.
RISING = frozenset({"eval/top1_agreement", "eval/accuracy", "eval/margin", "eval/reward_mean", "eval/correct_share"})
# A run's key metric is the one its early stopping watches (training.early_stopping_metric, eval/loss
# by default) when it has logged it; else the first of these it has: RL methods report no eval/loss,
# and a run without validation data only trains.
KEY_METRIC_FALLBACKS = ("eval/loss", "eval/reward_mean", "eval/accuracy", "train/loss")


def _roles_for(obj) -> dict[str, str]:
    return MODEL_ROLES if isinstance(obj, ModelAsset) else DATASET_ROLES


def runs_using(*, obj: ModelAsset | Dataset, role: str | None = None) -> QuerySet:
    """The runs that used `obj` (in `role`, or in any role), newest first; an unknown role is a 400."""
    from webapp.runs.models import Run

    roles = _roles_for(obj)
    if role not in (None, "", *roles):
        raise Invalid(f"Unknown role '{role}': use one of {', '.join(roles)}, or leave role out for every role.",
                      field="role")
    fields = [roles[role]] if role else list(roles.values())
    used = Q()
    for field in fields:
        used |= Q(**{field: obj})
    return Run.objects.filter(used, workspace_id=obj.workspace_id).order_by("-created_at", "-id")


def run_roles(*, run, obj: ModelAsset | Dataset) -> list[str]:
    """The roles `obj` played in `run` (a model can be both the student and the reference)."""
    return [role for role, field in _roles_for(obj).items() if getattr(run, f"{field}_id") == obj.id]


def key_metric(*, run, summaries: dict) -> dict | None:
    """{name, value, step, higher_is_better} of the run's key metric (its last logged value), or None
    while the run has logged none of the candidates. `summaries`: the run's MetricSummary by name."""
    watched = ((run.config or {}).get("training") or {}).get("early_stopping_metric")
    name = next((n for n in (watched, *KEY_METRIC_FALLBACKS) if n and n in summaries), None)
    if name is None:
        return None
    summary = summaries[name]
    return {"name": name, "value": summary.last, "step": summary.last_step, "higher_is_better": name in RISING}
