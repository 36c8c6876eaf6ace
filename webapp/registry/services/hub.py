"""Models from the server's local Hugging Face hub cache (nothing is ever downloaded)."""
from __future__ import annotations

import os
from pathlib import Path

from webapp.accounts.models import User, Workspace
from webapp.accounts.selectors import require_write
from webapp.common.errors import Invalid
from webapp.registry.inspect import inspect_model_dir
from webapp.registry.models import ModelAsset, ModelSource
from webapp.registry.services.inspection import model_inspection_enqueue
from webapp.registry.services.models import check_unique_model_name


def hub_cache_dir() -> Path:
    """The Hugging Face hub cache this process and the engine it starts read, resolved from the
    environment now (huggingface_hub reads it once at import, which would miss a changed HF_HOME):
    HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub, as huggingface_hub does."""
    explicit = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    home = os.environ.get("HF_HOME") or os.path.join(os.environ.get("XDG_CACHE_HOME", "~/.cache"), "huggingface")
    return Path(home).expanduser() / "hub"


def hub_snapshot(hub_id: str, *, field: str = "hub_id") -> Path:
    """The local snapshot directory of a hub model, found the way the engine finds it
    (`snapshot_download(hub_id, local_files_only=True)`): nothing is ever downloaded."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError
    from huggingface_hub.utils import validate_repo_id

    try:
        validate_repo_id(hub_id)
    except HFValidationError as exc:
        raise Invalid(f"'{hub_id}' is not a Hugging Face hub id: give it as 'org/name' (or 'name'), "
                      f"letters, digits, '-', '_' and '.' ({exc}).", field=field) from None
    cache = hub_cache_dir()
    try:
        return Path(snapshot_download(hub_id, local_files_only=True, cache_dir=cache))
    except LocalEntryNotFoundError:
        raise Invalid(
            f"'{hub_id}' is not in this server's Hugging Face cache ({cache}) and the server never downloads. "
            f"On a machine with internet access run `huggingface-cli download {hub_id}` with the same HF_HOME "
            "(or HF_HUB_CACHE) and copy the cache here, or register the model from a directory instead.",
            field=field,
        ) from None


def model_register_from_hub(*, workspace: Workspace, user: User, name: str, hub_id: str) -> ModelAsset:
    """A Hugging Face hub model that is already in the server's local cache. Runs load it by id
    (the engine resolves it in the same cache), so a refreshed cache serves its newer snapshot;
    the snapshot found now gives the facts and the tokenizer for token statistics."""
    require_write(user=user, workspace=workspace)
    check_unique_model_name(workspace, name)
    hub_id = hub_id.strip()
    snapshot = hub_snapshot(hub_id)
    facts = inspect_model_dir(snapshot, field="hub_id")
    model = ModelAsset.objects.create(
        workspace=workspace, name=name, source=ModelSource.HUB, hub_id=hub_id, tokenizer_path=str(snapshot),
        created_by=user, **facts,
    )
    model_inspection_enqueue(model=model)
    return model
