"""One entry point to register a model from any source (config, upload, soup, hub, path, run):
checks that the request carries what its source needs, registers, and records the audit event."""
from __future__ import annotations

from webapp.accounts.audit import audit
from webapp.accounts.models import User, Workspace
from webapp.common.errors import Invalid
from webapp.registry.models import ModelAsset, ModelSource
from webapp.registry.services.hub import model_register_from_hub
from webapp.registry.services.models import (
    model_register_from_config,
    model_register_from_path,
    model_register_from_run,
    model_register_from_upload,
)
from webapp.registry.services.soups import model_register_soup

# source -> (the request field it needs, what to say when it is missing)
NEEDS = {
    ModelSource.CONFIG: ("config", "source=config needs 'config', a transformers config dict."),
    ModelSource.UPLOAD: ("file", "source=upload needs 'file', an archive of a model directory (multipart)."),
    ModelSource.SOUP: ("ingredients", "source=soup needs 'ingredients', the ids of two or more models to average."),
    ModelSource.HUB: ("hub_id", "source=hub needs 'hub_id', a Hugging Face hub id such as 'org/name'."),
    ModelSource.PATH: ("path", "source=path needs 'path', a model directory on the server."),
    ModelSource.RUN: ("run", "source=run needs 'run', the id of a succeeded run."),
}
# Sources whose field must be present; the others must also be non-empty.
PRESENCE_ONLY = {ModelSource.CONFIG, ModelSource.UPLOAD, ModelSource.SOUP, ModelSource.RUN}


def model_register(*, workspace: Workspace, user: User, name: str, source: str, fields: dict) -> ModelAsset:
    """Registers model `name` from `source` with the request's `fields` (config and tokenizer_path,
    file, ingredients, hub_id, path, or run with an optional artifact). A run is looked up among the
    runs `user` can see (404 otherwise)."""
    needed, message = NEEDS[source]
    if (needed not in fields) if source in PRESENCE_ONLY else not fields.get(needed):
        raise Invalid(message, field=needed)
    common = {"workspace": workspace, "user": user, "name": name}
    if source == ModelSource.CONFIG:
        model = model_register_from_config(**common, config=fields["config"],
                                           tokenizer_path=fields.get("tokenizer_path", ""))
    elif source == ModelSource.UPLOAD:
        model = model_register_from_upload(**common, upload=fields["file"])
    elif source == ModelSource.SOUP:
        model = model_register_soup(**common, ingredients=fields["ingredients"])
    elif source == ModelSource.HUB:
        model = model_register_from_hub(**common, hub_id=fields["hub_id"])
    elif source == ModelSource.PATH:
        model = model_register_from_path(**common, path=fields["path"])
    else:
        from webapp.runs.selectors.runs import run_get

        run = run_get(user=user, pk=fields["run"])
        model = model_register_from_run(**common, run=run, artifact_id=fields.get("artifact"))
    audit(workspace=workspace, actor=user, action="model.create", target=model, name=model.name,
          source=model.source, **({"run": model.produced_by_run_id} if model.produced_by_run_id else {}))
    return model
