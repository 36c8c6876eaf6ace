"""Writes for users, workspaces, memberships and API tokens (invitations: invitations.py)."""
from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from webapp.accounts.audit import audit
from webapp.accounts.models import ApiToken, Membership, Role, User, Workspace
from webapp.accounts.selectors import role_in
from webapp.accounts.tokens import hash_token, new_token
from webapp.common.errors import Conflict, Forbidden, Invalid
from webapp.common.throttle import throttle_check, throttle_count, throttle_reset


def _login_keys(*, username: str, address: str) -> tuple[str, str]:
    import hashlib

    account = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return f"login:account:{account}", f"login:address:{address}"


def user_sign_in(*, request, username: str, password: str) -> User:
    """The user with this username and password, or a 400. Failed attempts are counted per account
    and per client address (LOGIN_MAX_FAILURES_PER_ACCOUNT / _PER_ADDRESS in LOGIN_THROTTLE_WINDOW_S);
    past either limit every attempt answers 429, the right password included, until the window
    ends. A success clears the account's count, not the address's."""
    from django.conf import settings
    from django.contrib.auth import authenticate

    account_key, address_key = _login_keys(username=username, address=request.META.get("REMOTE_ADDR", ""))
    throttle_check(key=account_key, limit=settings.LOGIN_MAX_FAILURES_PER_ACCOUNT,
                   message="Too many failed sign-ins for this account: it is locked for a while.")
    throttle_check(key=address_key, limit=settings.LOGIN_MAX_FAILURES_PER_ADDRESS,
                   message="Too many failed sign-ins from your address.")
    user = authenticate(request, username=username, password=password)
    if user is None:
        window = settings.LOGIN_THROTTLE_WINDOW_S
        throttle_count(key=account_key, window_s=window)
        throttle_count(key=address_key, window_s=window)
        raise Invalid("Wrong username or password.")
    throttle_reset(key=account_key)
    return user


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


def require_manager(*, workspace: Workspace, actor: User) -> str:
    actor_role = role_in(user=actor, workspace=workspace)
    if actor_role not in (Role.OWNER, Role.ADMIN):
        raise Forbidden("Only the workspace's owners and admins can change members.")
    return actor_role


def _last_owner(membership: Membership) -> bool:
    return membership.role == Role.OWNER and not Membership.objects.filter(
        workspace=membership.workspace, role=Role.OWNER).exclude(pk=membership.pk).exists()


@transaction.atomic
def membership_change_role(*, membership: Membership, actor: User, role: str) -> Membership:
    actor_role = require_manager(workspace=membership.workspace, actor=actor)
    if Role.OWNER in (role, membership.role) and actor_role != Role.OWNER:
        raise Forbidden("Only an owner can make someone an owner or change an owner's role.")
    if role != Role.OWNER and _last_owner(membership):
        raise Conflict("This is the workspace's last owner: make someone else an owner first.")
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit(workspace=membership.workspace, actor=actor, action="member.role", target=membership.user,
          username=membership.user.username, old=old, new=role)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    if membership.user_id != actor.id:  # anyone may leave; removing others needs a manager
        actor_role = require_manager(workspace=membership.workspace, actor=actor)
        if membership.role == Role.OWNER and actor_role != Role.OWNER:
            raise Forbidden("Only an owner can remove an owner.")
    if _last_owner(membership):
        raise Conflict("This is the workspace's last owner: make someone else an owner first.")
    audit(workspace=membership.workspace, actor=actor, action="member.remove", target=membership.user,
          username=membership.user.username)
    membership.delete()


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_in_days: int | None = None,
                     workspaces: list[Workspace] = ()) -> tuple[ApiToken, str]:
    """Returns the stored token and its plain value, which is never stored and shown only once.
    `workspaces` limits what the token can see (the user must belong to each); none: all."""
    if expires_in_days is not None and expires_in_days < 1:
        raise Invalid("expires_in_days must be at least 1 (or left out for a token that does not expire).",
                      field="expires_in_days")
    for workspace in workspaces:
        if role_in(user=user, workspace=workspace) is None:
            raise Invalid(f"You are not a member of '{workspace.slug}'.", field="workspaces")
    plain = new_token()
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    token = ApiToken.objects.create(user=user, name=name, prefix=plain[:12], token_hash=hash_token(plain),
                                    expires_at=expires_at)
    token.workspaces.set(workspaces)
    return token, plain


def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
