"""What the model and dataset services share: server paths the operator allows, the files
the registry stored itself, and who may delete what.

Deletion: a model or dataset goes only when nothing depends on it: runs keep their inputs (a run's
page, its clone and its retry need them) and soups and task sequences keep their members. The 409
names what holds it, so the user knows what to delete first. Files go once the deletion commits,
and only the ones the registry itself stored under ARTIFACT_ROOT: a server-local directory belongs
to the operator and a run's final model to the run."""
from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings

from webapp.accounts.models import User, Workspace
from webapp.accounts.selectors import require_write
from webapp.common import storage
from webapp.common.errors import Conflict, Invalid


def allowed_path(raw: str, *, field: str, what: str) -> Path:
    """Resolves a server-local path and refuses anything outside the operator's allowed roots."""
    path = Path(raw)
    if not path.is_absolute():
        raise Invalid(f"The {what} must be an absolute path on the server, got '{raw}'.", field=field)
    resolved = path.resolve()
    roots = settings.MODEL_PATH_ALLOWED_ROOTS
    if not any(resolved == root or root in resolved.parents for root in roots):
        raise Invalid(
            f"'{raw}' is outside the directories this server allows models to be loaded from "
            f"({', '.join(str(r) for r in roots)}). Ask the operator to add it to MODEL_PATH_ALLOWED_ROOTS.",
            field=field,
        )
    if not resolved.is_dir():
        raise Invalid(f"There is no {what} at '{raw}' on the server.", field=field)
    return resolved


def require_creator_or_admin(*, user: User, workspace: Workspace, created_by_id, what: str) -> None:
    from webapp.accounts.models import Role
    from webapp.accounts.selectors import role_in
    from webapp.common.errors import Forbidden

    require_write(user=user, workspace=workspace)
    if created_by_id != user.id and role_in(user=user, workspace=workspace) not in (Role.OWNER, Role.ADMIN):
        raise Forbidden(f"{what} was registered by someone else: only they, or an owner or admin of "
                        f"'{workspace.slug}', can delete it.")


def _named(items: list[str], total: int) -> str:
    more = f" and {total - len(items)} more" if total > len(items) else ""
    return ", ".join(items) + more


def refuse_if_runs_use(queryset, what: str) -> None:
    total = queryset.count()
    if total:
        runs = [f"{run.id} ({run.name})" for run in queryset.order_by("id")[:5]]
        raise Conflict(f"{what} is used by run(s) {_named(runs, total)}: delete those runs first (their history "
                       "needs it), or keep it.")


def owned_path(path: str, folder: str) -> Path | None:
    """The path when the registry stored it itself (under ARTIFACT_ROOT/<folder>/), else None."""
    if not path:
        return None
    root = (Path(settings.ARTIFACT_ROOT) / folder).resolve()
    resolved = Path(path).resolve()
    return resolved if resolved.is_relative_to(root) and resolved != root else None


def remove_stored(path: Path) -> None:
    import logging

    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    try:
        storage.forget(path)
    except storage.StoreError as exc:  # the row is gone; its objects stay until the store answers
        logging.getLogger("distillery").warning("registry files left in the artifact store: %s", exc.message)
