"""Users, workspaces and who may do what in them."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person. Kept as our own model so profile fields can be added without a data migration."""


class Workspace(models.Model):
    """A team: every model, dataset and run belongs to exactly one workspace."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.slug


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"


# Roles that may create and change models, datasets and runs.
WRITE_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.MEMBER})
# Roles that may manage members.
MANAGE_ROLES = frozenset({Role.OWNER, Role.ADMIN})


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "workspace"], name="one_membership_per_user")]


class ApiToken(models.Model):
    """A personal token for automation. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise a token in lists.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="None: never expires.")
    workspaces = models.ManyToManyField(
        Workspace, blank=True, related_name="+", help_text="The token only sees these workspaces; none: all of yours."
    )

    class Meta:
        ordering = ["-created_at"]


class AuditEvent(models.Model):
    """Who did what in a workspace: created, cancelled, resumed, shared, revoked, added, removed."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=60, help_text="e.g. run.create, run.cancel, share.create, member.remove")
    target_type = models.CharField(max_length=30)
    target_id = models.CharField(max_length=60)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class Invitation(models.Model):
    """An invitation to a workspace, which the invitee accepts (or declines): by e-mail address (a link
    to accept after signing in, or to make an account with) or to an existing account by username.
    Nobody joins a workspace without accepting. Rows are kept after they are accepted, declined,
    revoked or superseded: the e-mail rate limit counts them."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(blank=True, help_text="The invited address; empty for an account without one.")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             help_text="The invited account, when invited by username: only it can accept.")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True,
                                      help_text="Revoked by a manager, superseded by a newer one, or declined.")

    class Meta:
        ordering = ["-created_at", "-id"]
