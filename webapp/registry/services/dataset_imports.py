"""Dataset imports: queued by the web, run by a worker with the `datasets` library (offline)."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from django.conf import settings

from webapp.accounts.models import User, Workspace
from webapp.accounts.selectors import require_write
from webapp.common.errors import Invalid
from webapp.registry.services.common import allowed_path
from webapp.registry.services.datasets import check_file_kind, dataset_upload

IMPORT_TASK = "worker.tasks.dataset_import"

# A hub id is `owner/name` and nothing else: no leading dot or slash, no `..`, no third part. The
# `datasets` library would otherwise load any local folder whose path is given as the "id".
_HUB_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*")


def check_hub_dataset_id(hub_id: str) -> str:
    """The hub id when it is an `owner/name` dataset id, else a 400 saying what a hub id looks like."""
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    problem = "" if _HUB_ID.fullmatch(hub_id) else "it is not of the form 'owner/name'"
    if not problem:
        try:
            validate_repo_id(hub_id)
        except HFValidationError as exc:
            problem = str(exc)
    if problem:
        raise Invalid(f"'{hub_id}' is not a Hugging Face dataset id ({problem}): give it as 'owner/name' with "
                      "letters, digits, '-', '_' and '.'; a dataset directory on the server goes in 'path'.",
                      field="hub_id")
    return hub_id


def dataset_import_path(raw: str) -> Path:
    """A `save_to_disk` directory under the operator's allowed roots, and never inside the registry's
    own storage (ARTIFACT_ROOT), which holds every workspace's datasets and models."""
    path = allowed_path(raw, field="path", what="dataset directory")
    store = Path(settings.ARTIFACT_ROOT).resolve()
    if path == store or path.is_relative_to(store) or store.is_relative_to(path):
        raise Invalid(f"'{raw}' is (or contains) the registry's own storage, which no import may read: give a "
                      "directory of your own under the allowed roots.", field="path")
    return path


def hub_dataset_snapshot(hub_id: str) -> Path:
    """The local snapshot of a hub dataset in the server's Hugging Face cache (nothing is downloaded)."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    from webapp.registry.services.hub import hub_cache_dir

    check_hub_dataset_id(hub_id)
    cache = hub_cache_dir()
    try:
        return Path(snapshot_download(hub_id, repo_type="dataset", local_files_only=True, cache_dir=cache))
    except LocalEntryNotFoundError:
        raise Invalid(f"'{hub_id}' is not in this server's Hugging Face cache ({cache}) and nothing can be "
                      f"downloaded. On a machine with internet access run `huggingface-cli download --repo-type "
                      f"dataset {hub_id}` with the same HF_HOME (or HF_HUB_CACHE) and copy the cache here.",
                      field="hub_id") from None


def dataset_import_create(*, workspace: Workspace, user: User, name: str, kind: str, hub_id: str = "",
                          path: str = "", split: str = "train"):
    from webapp.common.tasks import LIGHT_QUEUE, enqueue
    from webapp.registry.models import DatasetImport

    require_write(user=user, workspace=workspace)
    check_file_kind(kind)
    if bool(hub_id) == bool(path):
        raise Invalid("Give either hub_id (read from the server's Hugging Face cache) or path (a dataset saved "
                      "with save_to_disk on the server).", field="hub_id")
    if path:
        path = str(dataset_import_path(path))
    else:
        hub_id = check_hub_dataset_id(hub_id.strip())
    job = DatasetImport.objects.create(workspace=workspace, name=name, kind=kind, hub_id=hub_id, path=path,
                                       split=split, created_by=user)
    enqueue(IMPORT_TASK, job.id, queue=LIGHT_QUEUE)
    return job


def dataset_import_run(*, job) -> None:
    """Worker side: loads the split with the `datasets` library (offline), writes JSON Lines and
    stores them through the same validation, versioning and dedup as an upload."""
    import json

    from webapp.registry.models import DatasetImport

    DatasetImport.objects.filter(pk=job.pk).update(status="running")
    try:
        import datasets

        if job.path:
            # Checked again here: the folder (or a link in its path) may have changed since the request.
            loaded = datasets.load_from_disk(str(dataset_import_path(job.path)))
            if isinstance(loaded, datasets.DatasetDict):
                if job.split not in loaded:
                    raise Invalid(f"The saved dataset has no split '{job.split}' (it has {', '.join(loaded)}).")
                loaded = loaded[job.split]
        else:
            # Only ever the snapshot folder inside the hub cache: `load_dataset(job.hub_id)` would take
            # a local folder of that name (relative to the worker's directory) over the hub.
            snapshot = hub_dataset_snapshot(job.hub_id)
            try:
                loaded = datasets.load_dataset(str(snapshot), split=job.split)
            except Exception as exc:  # a split it lacks, files it cannot read
                raise Invalid(f"'{job.hub_id}' (split {job.split}) is in this server's Hugging Face cache but "
                              f"could not be loaded: {type(exc).__name__}: {exc}") from None
        with tempfile.TemporaryFile("w+b") as handle:
            for row in loaded:
                handle.write((json.dumps(row, ensure_ascii=False, default=str) + "\n").encode())
            handle.seek(0)
            dataset, _ = dataset_upload(workspace=job.workspace, user=job.created_by, name=job.name, kind=job.kind,
                                        upload=handle, format="jsonl")
        DatasetImport.objects.filter(pk=job.pk).update(status="done", dataset=dataset, error_message="")
    except Invalid as exc:
        DatasetImport.objects.filter(pk=job.pk).update(status="failed", error_message=exc.message)
    except Exception as exc:  # a broken file on disk: say what it was
        DatasetImport.objects.filter(pk=job.pk).update(status="failed", error_message=f"{type(exc).__name__}: {exc}")
