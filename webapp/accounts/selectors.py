"""Reads scoped to the caller: every object lookup in the API goes through a selector like these."""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from webapp.accounts.models import WRITE_ROLES, ApiToken, Invitation, Membership, User, Workspace
from webapp.common.errors import Forbidden, Invalid


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


def workspace_object(model, pk, *, workspace: Workspace, field: str, missing: str = ""):
    """The `model` row (a model, dataset, ...) with id `pk` in `workspace`, for a request body that
    names it by id: None when `pk` is None, a 400 on `field` when the workspace has no such row
    (`missing` words it; default: "There is no <field> with id <pk> in '<slug>'.")."""
    if pk is None:
        return None
    found = model.objects.filter(pk=pk, workspace=workspace).first() if isinstance(pk, int) else None
    if found is None:
        raise Invalid(missing or f"There is no {field.replace('_', ' ')} with id {pk} in '{workspace.slug}'.",
                      field=field)
    return found


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


def writable_workspace(*, user: User, slug: str) -> Workspace:
    """The workspace, checked for the caller's write role. Views call this before they read the
    body, so a viewer hears 403 (and a non-member 404) rather than which fields were wrong."""
    workspace = workspace_get(user=user, slug=slug)
    require_write(user=user, workspace=workspace)
    return workspace


def require_write_to_body_workspace(*, user: User, data) -> None:
    """For create endpoints whose body names the workspace: when `workspace` is a slug, the caller
    must be able to write there before the rest of the body is validated. A missing or malformed
    slug is left to the serializer, which says what is wrong with it."""
    slug = data.get("workspace") if hasattr(data, "get") else None
    if isinstance(slug, str) and slug:
        writable_workspace(user=user, slug=slug)


def api_tokens_for(*, user: User, caller=None) -> QuerySet[ApiToken]:
    """The user's live tokens. A request made with a workspace-scoped token (`caller`, DRF's
    request.auth) sees that token only: it must not list, or revoke, the tokens that see more."""
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if isinstance(caller, ApiToken) and getattr(user, "token_workspace_ids", None) is not None:
        tokens = tokens.filter(pk=caller.pk)
    return tokens


def invitations_of_workspace(*, workspace: Workspace) -> QuerySet[Invitation]:
    """Invitations of the workspace not yet accepted, declined or revoked (expired ones too: they can
    be sent again), newest first. Who may see them is the caller's business (managers only)."""
    return (Invitation.objects.filter(workspace=workspace, accepted_at__isnull=True, revoked_at__isnull=True)
            .select_related("user", "invited_by"))


def invitations_for(*, user: User) -> QuerySet[Invitation]:
    """Open invitations to the user: to their account, or to their address (not to an empty one)."""
    to_them = Q(user=user)
    if user.email:
        to_them |= Q(user__isnull=True, email__iexact=user.email)
    return (Invitation.objects.filter(to_them, accepted_at__isnull=True, revoked_at__isnull=True,
                                      expires_at__gt=timezone.now())
            .select_related("workspace", "invited_by"))
