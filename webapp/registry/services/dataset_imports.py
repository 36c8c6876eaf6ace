"""Dataset imports: queued by the web, run by a worker with the `datasets` library (offline)."""
from __future__ import annotations

import tempfile

from webapp.accounts.models import User, Workspace
from webapp.accounts.selectors import require_write
from webapp.common.errors import Invalid
from webapp.registry.services.common import allowed_path
from webapp.registry.services.datasets import check_file_kind, dataset_upload

IMPORT_TASK = "worker.tasks.dataset_import"


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
        path = str(allowed_path(path, field="path", what="dataset directory"))
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
            loaded = datasets.load_from_disk(job.path)
            if isinstance(loaded, datasets.DatasetDict):
                if job.split not in loaded:
                    raise Invalid(f"The saved dataset has no split '{job.split}' (it has {', '.join(loaded)}).")
                loaded = loaded[job.split]
        else:
            try:
                loaded = datasets.load_dataset(job.hub_id, split=job.split)
            except Exception as exc:  # offline: anything not in the local cache fails here
                raise Invalid(f"'{job.hub_id}' (split {job.split}) is not in this server's Hugging Face cache "
                              f"and nothing can be downloaded ({type(exc).__name__}).") from None
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
