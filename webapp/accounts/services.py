"""Writes for users, workspaces, memberships and API tokens."""
from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from webapp.accounts.models import ApiToken, Membership, Role, User, Workspace
from webapp.accounts.tokens import hash_token, new_token
from webapp.common.errors import Conflict, Forbidden, Invalid


@transaction.atomic
def workspace_create(*, user: User, name: str, slug: str = "") -> Workspace:
    slug = slug or slugify(name)
    if not slug:
        raise Invalid("A workspace needs a name with at least one letter or digit.", field="name")
    if Workspace.objects.filter(slug=slug).exists():
        raise Conflict(f"A workspace with slug '{slug}' already exists: choose another slug.")
    workspace = Workspace.objects.create(name=name, slug=slug)
    Membership.objects.create(user=user, workspace=workspace, role=Role.OWNER)
    return workspace


def membership_add(*, workspace: Workspace, actor: User, user: User, role: str) -> Membership:
    from webapp.accounts.selectors import role_in

    actor_role = role_in(user=actor, workspace=workspace)
    if actor_role not in (Role.OWNER, Role.ADMIN):
        raise Forbidden("Only the workspace's owners and admins can add members.")
    if role == Role.OWNER and actor_role != Role.OWNER:
        raise Forbidden("Only an owner can make someone else an owner.")
    try:
        with transaction.atomic():
            return Membership.objects.create(workspace=workspace, user=user, role=role)
    except IntegrityError:
        raise Conflict(f"'{user.username}' is already a member of '{workspace.slug}'.") from None


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the stored token and its plain value, which is never stored and shown only once."""
    plain = new_token()
    token = ApiToken.objects.create(user=user, name=name, prefix=plain[:12], token_hash=hash_token(plain))
    return token, plain


def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
