"""Reads of a run's artifacts, their files fetched from the artifact store when needed."""
from __future__ import annotations

import json

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from webapp.common.errors import Invalid, NotFound
from webapp.runs.models import Artifact, Run


def artifacts_of(*, run: Run) -> QuerySet[Artifact]:
    return run.artifacts.all()


def artifact_get(*, run: Run, pk: int) -> Artifact:
    return get_object_or_404(run.artifacts.all(), pk=pk)


def artifact_local_path(*, artifact: Artifact):
    """The artifact's file or directory on this host, fetched from the artifact store if it was
    written on another (webapp.common.storage). Refuses paths outside ARTIFACT_ROOT."""
    from pathlib import Path

    from django.conf import settings

    from webapp.common import storage

    path = Path(artifact.path).resolve()
    if Path(settings.ARTIFACT_ROOT).resolve() not in path.parents:
        raise NotFound(f"Artifact '{artifact.name}' is not kept in the artifact store ({artifact.path}).")
    if not storage.pull(path):
        raise NotFound(f"Artifact '{artifact.name}' is neither on this server nor in the artifact store "
                       f"({storage.describe()}): it was removed, or its worker is still uploading it; try again "
                       "in a moment.")
    return path


def artifact_table_content(*, artifact: Artifact):
    """The parsed JSON of a table artifact (the engine writes each table as one JSON document under the
    run's output directory). Refuses other kinds, files outside ARTIFACT_ROOT, and files over
    ARTIFACT_TABLE_MAX_BYTES."""
    from django.conf import settings

    from webapp.common.errors import TooLarge

    if artifact.kind != "table":
        raise Invalid(f"Artifact '{artifact.name}' is a {artifact.kind}, not a table: only table artifacts can be "
                      "read as JSON; list the run's artifacts to find its tables.", field="artifact")
    path = artifact_local_path(artifact=artifact)
    if not path.is_file():
        raise NotFound(f"The file of table '{artifact.name}' is no longer in the artifact store.")
    size = path.stat().st_size
    limit = settings.ARTIFACT_TABLE_MAX_BYTES
    if size > limit:
        raise TooLarge(f"Table '{artifact.name}' is {size} bytes, over the {limit}-byte limit for reading tables "
                       "through the API: ask the operator to raise ARTIFACT_TABLE_MAX_BYTES.")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Invalid(f"Table '{artifact.name}' is not valid JSON ({exc}): the engine may have been stopped while "
                      "writing it.", field="artifact") from None
