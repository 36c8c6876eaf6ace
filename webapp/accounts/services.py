"""Writes for users, workspaces, memberships and API tokens."""
from __future__ import annotations

import math
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from webapp.accounts.audit import audit
from webapp.accounts.models import ApiToken, Membership, Role, User, Workspace
from webapp.accounts.selectors import role_in
from webapp.accounts.tokens import hash_token, new_token
from webapp.common.errors import Conflict, Forbidden, Invalid, TooManyRequests
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


def membership_add(*, workspace: Workspace, actor: User, user: User, role: str) -> Membership:
    actor_role = require_manager(workspace=workspace, actor=actor)
    if role == Role.OWNER and actor_role != Role.OWNER:
        raise Forbidden("Only an owner can make someone else an owner.")
    try:
        with transaction.atomic():
            membership = Membership.objects.create(workspace=workspace, user=user, role=role)
            audit(workspace=workspace, actor=actor, action="member.add", target=user, username=user.username, role=role)
            return membership
    except IntegrityError:
        raise Conflict(f"'{user.username}' is already a member of '{workspace.slug}'.") from None


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


INVITATION_DAYS = 14


@transaction.atomic
def invitation_create(*, workspace: Workspace, actor: User, email: str, role: str):
    """Invites by e-mail address: a user who already has that address joins at once (as with a
    username); anyone else gets a link to accept after signing in, or to make an account with."""
    import secrets

    from django.conf import settings
    from django.core.mail import send_mail

    from webapp.accounts.models import Invitation

    actor_role = require_manager(workspace=workspace, actor=actor)
    if role == Role.OWNER and actor_role != Role.OWNER:
        raise Forbidden("Only an owner can invite an owner.")
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        return membership_add(workspace=workspace, actor=actor, user=existing, role=role)
    _invitation_rate_check(actor=actor, email=email)
    invitation = Invitation.objects.create(
        workspace=workspace, email=email, role=role, token=secrets.token_urlsafe(32), invited_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    link = f"{settings.PUBLIC_URL.rstrip('/')}/invitations/{invitation.token}"
    send_mail(subject=f"{actor.username} invited you to '{workspace.name}' on Distillery",
              message=f"Open {link} to join '{workspace.name}' as {role}: sign in, or choose a username and "
                      "password there to make your account. "
                      f"The invitation expires in {INVITATION_DAYS} days.",
              from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[email])
    audit(workspace=workspace, actor=actor, action="member.invite", target=invitation, email=email, role=role)
    return invitation


def _invitation_rate_check(*, actor: User, email: str) -> None:
    """Invitation e-mails are rate-limited, counted from the stored invitations (so every web process
    shares the count): INVITATIONS_PER_USER_PER_HOUR sent by one user, INVITATIONS_PER_ADDRESS_PER_DAY
    to one address from anyone, so that the server cannot be used to flood a mailbox."""
    from django.conf import settings

    from webapp.accounts.models import Invitation

    User.objects.select_for_update().filter(pk=actor.pk).first()  # one inviter's invitations are counted in turn
    now = timezone.now()
    for rows, limit, window, message in (
        (Invitation.objects.filter(invited_by=actor), settings.INVITATIONS_PER_USER_PER_HOUR, timedelta(hours=1),
         f"You sent {settings.INVITATIONS_PER_USER_PER_HOUR} invitations in the last hour, the most allowed."),
        (Invitation.objects.filter(email__iexact=email), settings.INVITATIONS_PER_ADDRESS_PER_DAY, timedelta(days=1),
         f"{email} was already invited {settings.INVITATIONS_PER_ADDRESS_PER_DAY} times in the last day, the most "
         "allowed: the earlier invitations still work."),
    ):
        recent = rows.filter(created_at__gt=now - window).order_by("-created_at").values_list("created_at", flat=True)
        times = list(recent[:limit])
        if len(times) >= limit:
            wait = (times[-1] + window - now).total_seconds() if times else window.total_seconds()
            minutes = max(1, math.ceil(wait / 60))
            raise TooManyRequests(f"{message} Try again in {minutes} minute{'s' if minutes != 1 else ''}.",
                                  retry_after_s=math.ceil(wait))


def _open_invitation(token: str):
    from webapp.accounts.models import Invitation

    invitation = Invitation.objects.select_for_update().select_related("workspace").filter(token=token).first()
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= timezone.now():
        raise Invalid("This invitation does not exist, was already used or has expired: ask for a new one.",
                      field="token")
    return invitation


@transaction.atomic
def invitation_sign_up(*, token: str, username: str, password: str) -> tuple[User, Membership]:
    """Someone invited by e-mail who has no account makes one through the invitation (the only way
    to sign up: accounts are by invitation or made by an operator), with the invited address."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    invitation = _open_invitation(token)
    username = username.strip()
    if not username:
        raise Invalid("Choose a username.", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise Invalid(f"The username '{username}' is taken: choose another, or sign in if it is yours.",
                      field="username")
    candidate = User(username=username, email=invitation.email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise Invalid(f"The password is too weak: {' '.join(exc.messages)}",
                      errors={"password": list(exc.messages)}) from None
    candidate.set_password(password)
    candidate.save()
    return candidate, _accept(invitation, candidate)


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """A signed-in user joins with an invitation sent to their own address. A forwarded or leaked
    link does not let another account in; an account without an address (made by an operator)
    takes the invited one."""
    invitation = _open_invitation(token)
    if not user.email:
        user.email = invitation.email
        user.save(update_fields=["email"])
    elif user.email.lower() != invitation.email.lower():
        raise Forbidden(f"This invitation was sent to {invitation.email}, and you are signed in as {user.username} "
                        f"({user.email}). Sign in with the account that has that address, or ask for an "
                        "invitation to yours.")
    return _accept(invitation, user)


def _accept(invitation, user: User) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, workspace=invitation.workspace, defaults={"role": invitation.role})
    invitation.accepted_by, invitation.accepted_at = user, timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    audit(workspace=invitation.workspace, actor=user, action="member.join", target=user, username=user.username,
          role=membership.role, invited_as=invitation.email)
    return membership
