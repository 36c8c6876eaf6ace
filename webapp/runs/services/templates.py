"""Writes for run templates."""
from __future__ import annotations

from webapp.accounts.audit import audit
from webapp.accounts.models import User, Workspace
from webapp.accounts.selectors import require_write
from webapp.common.errors import Invalid
from webapp.registry.models import Dataset, ModelAsset
from webapp.runs.engine_spec import run_spec_check, validate_method_config
from webapp.runs.models import Run, RunTemplate
from webapp.runs.services.launch import check_models_and_data
from webapp.runs.services.runs import run_create


def template_create(
    *,
    workspace: Workspace,
    user: User,
    name: str,
    method: str,
    config: dict,
    student: ModelAsset,
    train_dataset: Dataset,
    description: str = "",
    teacher: ModelAsset | None = None,
    reference: ModelAsset | None = None,
    validation_dataset: Dataset | None = None,
    replay_dataset: Dataset | None = None,
    seed: int = 0,
    register_model_as: str = "",
) -> RunTemplate:
    """Saves a run's settings under a name, to launch again later ("save as template").

    The config is validated now and the models and data must fit the method as for a run; the
    template keeps their names, so launching it later uses the newest version of each dataset."""
    require_write(user=user, workspace=workspace)
    name = name.strip()
    if not name:
        raise Invalid("A template needs a name.", field="name")
    if RunTemplate.objects.filter(workspace=workspace, name=name).exists():
        raise Invalid(f"The workspace already has a template called '{name}': choose another name.", field="name")
    info, clean_config = validate_method_config(method, config)
    models_and_data = dict(student=student, teacher=teacher, reference=reference, train_dataset=train_dataset,
                           validation_dataset=validation_dataset, replay_dataset=replay_dataset)
    check_models_and_data(workspace=workspace, **models_and_data)
    run_spec_check(info=info, method=method, seed=seed, config=clean_config, **models_and_data)
    template = RunTemplate.objects.create(
        workspace=workspace, name=name, description=description, method=method, config=clean_config,
        student=student.name, teacher=teacher.name if teacher else "", reference=reference.name if reference else "",
        train_dataset=train_dataset.name, validation_dataset=validation_dataset.name if validation_dataset else "",
        replay_dataset=replay_dataset.name if replay_dataset else "", seed=seed, register_model_as=register_model_as,
    )
    audit(workspace=workspace, actor=user, action="template.create", target=template)
    return template


def template_delete(*, template: RunTemplate, user: User) -> None:
    require_write(user=user, workspace=template.workspace)
    audit(workspace=template.workspace, actor=user, action="template.delete", target=template)
    template.delete()


def template_launch(*, template: RunTemplate, user: User) -> Run:
    """Launches a run from a template, resolving its model and dataset names now."""
    workspace = template.workspace

    def model(name: str, role: str) -> ModelAsset | None:
        if not name:
            return None
        found = ModelAsset.objects.filter(workspace=workspace, name=name).first()
        if found is None:
            raise Invalid(
                f"Template '{template.name}' needs the {role} model '{name}', which is not registered yet: "
                "register it (or run the template that produces it) first.",
                field=role,
            )
        return found

    def dataset(name: str, role: str) -> Dataset | None:
        if not name:
            return None
        found = Dataset.objects.filter(workspace=workspace, name=name).order_by("-version").first()
        if found is None:
            raise Invalid(f"Template '{template.name}' needs the dataset '{name}', which does not exist.", field=role)
        return found

    return run_create(
        workspace=workspace, user=user, name=template.name, method=template.method, config=template.config,
        student=model(template.student, "student"), teacher=model(template.teacher, "teacher"),
        reference=model(template.reference, "reference"),
        train_dataset=dataset(template.train_dataset, "train_dataset"),
        validation_dataset=dataset(template.validation_dataset, "validation_dataset"),
        replay_dataset=dataset(template.replay_dataset, "replay_dataset"),
        seed=template.seed, register_model_as=template.register_model_as,
    )
