"""Invitations, the only way into a workspace: a manager invites an address or an account, the
invitee accepts (or declines) it. Writes here; the reads are in selectors.py."""
from __future__ import annotations

import math
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from webapp.accounts.audit import audit
from webapp.accounts.models import Invitation, Membership, Role, User, Workspace
from webapp.accounts.services import require_manager
from webapp.common.errors import Conflict, Forbidden, Invalid, TooManyRequests

INVITATION_DAYS = 14


def invitation_link(invitation: Invitation) -> str:
    return f"{settings.PUBLIC_URL.rstrip('/')}/invitations/{invitation.token}"


def _invitee(*, email: str, username: str) -> tuple[str, User | None]:
    """(address, account) to invite: by username, that account and its address (a 400 on `username`
    when there is no such account); by address, the address alone (whoever has it may accept)."""
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise Invalid(f"There is no user '{username}': invite them by e-mail address instead.", field="username")
        return user.email, user
    return email, None


@transaction.atomic
def invitation_create(*, workspace: Workspace, actor: User, role: str, email: str = "",
                      username: str = "") -> Invitation:
    """Invites an address or an account (by username) to the workspace with a role. Nobody is added
    here: the invitee gets an e-mail with a link (when there is an address) and sees the invitation
    in the UI once signed in, and joins by accepting it. A newer invitation to the same invitee
    supersedes the older ones still open."""
    actor_role = require_manager(workspace=workspace, actor=actor)
    if role == Role.OWNER and actor_role != Role.OWNER:
        raise Forbidden("Only an owner can invite an owner.")
    email, user = _invitee(email=email, username=username)
    members = Membership.objects.filter(workspace=workspace)
    if user is not None and members.filter(user=user).exists() or \
            email and members.filter(user__email__iexact=email).exists():
        raise Conflict(f"{username or email} is already a member of '{workspace.slug}'.",
                       field="username" if username else "email")
    _invitation_rate_check(actor=actor, email=email)
    _open_to(workspace=workspace, email=email, user=user).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        workspace=workspace, email=email, user=user, role=role, token=secrets.token_urlsafe(32), invited_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    if email:
        _send(invitation)
    audit(workspace=workspace, actor=actor, action="member.invite", target=invitation, email=email,
          username=user.username if user else None, role=role)
    return invitation


def _open_to(*, workspace: Workspace, email: str, user: User | None):
    """The invitations to this invitee in the workspace still open (expired ones included)."""
    rows = Invitation.objects.filter(workspace=workspace, accepted_at__isnull=True, revoked_at__isnull=True)
    return rows.filter(user=user) if user is not None else rows.filter(user__isnull=True, email__iexact=email)


def _send(invitation: Invitation) -> None:
    from django.core.mail import send_mail

    workspace, inviter = invitation.workspace, invitation.invited_by
    if invitation.user is not None:
        how = f"Sign in as {invitation.user.username} and open {invitation_link(invitation)} to accept or decline it"
    else:
        how = (f"Open {invitation_link(invitation)} to accept it: sign in, or choose a username and password there "
               "to make your account")
    send_mail(subject=f"{inviter.username} invited you to '{workspace.name}' on Distillery",
              message=f"{inviter.username} invited you to join '{workspace.name}' as {invitation.role}. {how}. "
                      f"The invitation expires in {INVITATION_DAYS} days.",
              from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[invitation.email])


def _invitation_rate_check(*, actor: User, email: str) -> None:
    """Invitations are rate-limited, counted from the stored invitations (so every web process shares
    the count; a resend is a new invitation): INVITATIONS_PER_USER_PER_HOUR sent by one user,
    INVITATIONS_PER_ADDRESS_PER_DAY to one address from anyone, so that the server cannot be used to
    flood a mailbox."""
    User.objects.select_for_update().filter(pk=actor.pk).first()  # one inviter's invitations are counted in turn
    now = timezone.now()
    limits = [(Invitation.objects.filter(invited_by=actor), settings.INVITATIONS_PER_USER_PER_HOUR, timedelta(hours=1),
               f"You sent {settings.INVITATIONS_PER_USER_PER_HOUR} invitations in the last hour, the most allowed.")]
    if email:
        limits.append((Invitation.objects.filter(email__iexact=email), settings.INVITATIONS_PER_ADDRESS_PER_DAY,
                       timedelta(days=1),
                       f"{email} was already invited {settings.INVITATIONS_PER_ADDRESS_PER_DAY} times in the last day, "
                       "the most allowed: the earlier invitations still work."))
    for rows, limit, window, message in limits:
        recent = rows.filter(created_at__gt=now - window).order_by("-created_at").values_list("created_at", flat=True)
        times = list(recent[:limit])
        if len(times) >= limit:
            wait = (times[-1] + window - now).total_seconds()
            minutes = max(1, math.ceil(wait / 60))
            raise TooManyRequests(f"{message} Try again in {minutes} minute{'s' if minutes != 1 else ''}.",
                                  retry_after_s=math.ceil(wait))


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User) -> Invitation:
    """A fresh invitation (new link, new expiry) in place of this one, whose link stops working."""
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise Conflict("This invitation was already accepted, declined or revoked: send a new one instead.")
    return invitation_create(workspace=invitation.workspace, actor=actor, role=invitation.role,
                             email="" if invitation.user else invitation.email,
                             username=invitation.user.username if invitation.user else "")


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    require_manager(workspace=invitation.workspace, actor=actor)
    if invitation.accepted_at is not None:
        raise Conflict("This invitation was already accepted: remove the member instead.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit(workspace=invitation.workspace, actor=actor, action="member.invite_revoke", target=invitation,
              email=invitation.email, username=invitation.user.username if invitation.user else None)


def _open_invitation(token: str) -> Invitation:
    invitation = (Invitation.objects.select_for_update(of=("self",)).select_related("workspace", "user")
                  .filter(token=token).first())
    if invitation is None or invitation.accepted_at is not None or invitation.revoked_at is not None \
            or invitation.expires_at <= timezone.now():
        raise Invalid("This invitation does not exist, was already used, was revoked or has expired: ask for a new "
                      "one.", field="token")
    return invitation


@transaction.atomic
def invitation_sign_up(*, token: str, username: str, password: str) -> tuple[User, Membership]:
    """Someone invited by e-mail who has no account makes one through the invitation (the only way
    to sign up: accounts are by invitation or made by an operator), with the invited address."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    invitation = _open_invitation(token)
    if invitation.user is not None:
        raise Invalid(f"This invitation is for the account '{invitation.user.username}': sign in with it to accept.",
                      field="username")
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


def _own_invitation(token: str, user: User) -> Invitation:
    """The open invitation with this token, when it was sent to `user` (their account, or their
    address). A forwarded or leaked link does not let another account in; an account without an
    address (made by an operator) takes the invited one when it accepts."""
    invitation = _open_invitation(token)
    if invitation.user is not None:
        if invitation.user_id != user.id:
            raise Forbidden(f"This invitation is for the account '{invitation.user.username}', and you are signed in "
                            f"as {user.username}. Sign in with that account, or ask for an invitation to yours.")
    elif user.email and user.email.lower() != invitation.email.lower():
        raise Forbidden(f"This invitation was sent to {invitation.email}, and you are signed in as {user.username} "
                        f"({user.email}). Sign in with the account that has that address, or ask for an "
                        "invitation to yours.")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """A signed-in user joins with an invitation sent to them."""
    invitation = _own_invitation(token, user)
    if not user.email and invitation.email:
        user.email = invitation.email
        user.save(update_fields=["email"])
    return _accept(invitation, user)


@transaction.atomic
def invitation_decline(*, token: str, user: User) -> None:
    invitation = _own_invitation(token, user)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit(workspace=invitation.workspace, actor=user, action="member.decline", target=invitation,
          username=user.username, invited_as=invitation.email)


def _accept(invitation: Invitation, user: User) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        user=user, workspace=invitation.workspace, defaults={"role": invitation.role})
    invitation.accepted_by, invitation.accepted_at = user, timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    # Other open invitations of this person to the workspace have nothing left to do.
    Invitation.objects.filter(workspace=invitation.workspace, accepted_at__isnull=True, revoked_at__isnull=True) \
        .filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email or invitation.email)) \
        .update(revoked_at=invitation.accepted_at)
    audit(workspace=invitation.workspace, actor=user, action="member.join", target=user, username=user.username,
          role=membership.role, invited_as=invitation.email)
    return membership
