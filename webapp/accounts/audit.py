"""The one function services call to leave an audit trail."""
from __future__ import annotations

from webapp.accounts.models import AuditEvent, User, Workspace


def audit(*, workspace: Workspace, actor: User | None, action: str, target, **detail) -> None:
    AuditEvent.objects.create(
        workspace=workspace, actor=actor, action=action, target_type=type(target).__name__.lower(),
        target_id=str(getattr(target, "pk", target)), detail=detail,
    )
