"""Reads scoped to the caller: every object lookup in the API goes through a selector like these."""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from webapp.accounts.models import WRITE_ROLES, ApiToken, Membership, User, Workspace
from webapp.common.errors import Forbidden


def member_of(user: User, prefix: str = "workspace__") -> Q:
    """The filter every scoped read uses: workspaces the user belongs to, narrowed to the API
    token's workspaces when the request came with a workspace-scoped token."""
    condition = Q(**{f"{prefix}memberships__user": user})
    scope = getattr(user, "token_workspace_ids", None)
    if scope is not None:
        condition &= Q(**{f"{prefix}id__in": scope})
    return condition


def workspaces_for(*, user: User) -> QuerySet[Workspace]:
    return Workspace.objects.filter(member_of(user, prefix="")).order_by("name")


def workspace_get(*, user: User, slug: str) -> Workspace:
    """The workspace, or 404 when it does not exist or the user is not a member (no existence leak)."""
    return get_object_or_404(workspaces_for(user=user), slug=slug)


def role_in(*, user: User, workspace: Workspace) -> str | None:
    scope = getattr(user, "token_workspace_ids", None)
    if scope is not None and workspace.id not in scope:
        return None
    return Membership.objects.filter(user=user, workspace=workspace).values_list("role", flat=True).first()


def require_write(*, user: User, workspace: Workspace) -> None:
    role = role_in(user=user, workspace=workspace)
    if role not in WRITE_ROLES:
        raise Forbidden(
            f"Your role in '{workspace.slug}' is {role}: viewers can look but not change anything. "
            "Ask an owner or admin for the member role."
        )


def api_tokens_for(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)
