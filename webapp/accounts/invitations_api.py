"""API for invitations: a workspace's open invitations for its owners and admins (list, resend,
revoke; they are made with POST /workspaces/{slug}/members/), and the invitee's side (their open
invitations, accept, decline)."""
from __future__ import annotations

from django.contrib.auth import login
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts import invitations, selectors
from webapp.accounts.models import Invitation, Role
from webapp.accounts.services import require_manager
from webapp.common.api import StrictSerializer
from webapp.common.errors import Invalid
from webapp.common.schema import RETRY_AFTER, TOO_MANY_REQUESTS


class InvitationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.CharField(help_text="The invited address; empty for an account invited by username that has "
                                            "none.")
    username = serializers.CharField(source="user.username", allow_null=True, default=None,
                                     help_text="The invited account, when invited by username.")
    role = serializers.ChoiceField(choices=Role.choices)
    invited_by = serializers.CharField(source="invited_by.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    expired = serializers.SerializerMethodField()

    def get_expired(self, invitation) -> bool:
        from django.utils import timezone

        return invitation.expires_at <= timezone.now()


class MyInvitationOutput(serializers.Serializer):
    token = serializers.CharField(help_text="Accept or decline with it (it is also in the invitation's e-mail link).")
    workspace = serializers.CharField(source="workspace.slug")
    workspace_name = serializers.CharField(source="workspace.name")
    role = serializers.ChoiceField(choices=Role.choices)
    invited_by = serializers.CharField(source="invited_by.username", allow_null=True, default=None)
    expires_at = serializers.DateTimeField()


class InvitationAcceptedOutput(serializers.Serializer):
    workspace = serializers.CharField(source="workspace.slug", help_text="The workspace joined.")
    username = serializers.CharField(source="user.username")
    role = serializers.ChoiceField(choices=Role.choices)


def managed_invitation(request, slug: str, pk: int) -> Invitation:
    """An open invitation of the workspace, for its owners and admins: a non-member gets 404, a
    member or viewer 403, before the invitation is looked up."""
    workspace = selectors.workspace_get(user=request.user, slug=slug)
    require_manager(workspace=workspace, actor=request.user)
    return get_object_or_404(selectors.invitations_of_workspace(workspace=workspace).select_related("workspace"),
                             pk=pk)


class WorkspaceInvitationListApi(APIView):
    @extend_schema(responses=InvitationOutput(many=True),
                   description="The workspace's invitations not yet accepted, declined or revoked (expired ones "
                               "too), newest first. Owners and admins only.")
    def get(self, request, slug: str):
        workspace = selectors.workspace_get(user=request.user, slug=slug)
        require_manager(workspace=workspace, actor=request.user)
        return Response(InvitationOutput(selectors.invitations_of_workspace(workspace=workspace), many=True).data)


class WorkspaceInvitationDetailApi(APIView):
    @extend_schema(responses={204: None}, description="Revokes the invitation: its link stops working.")
    def delete(self, request, slug: str, pk: int):
        invitations.invitation_revoke(invitation=managed_invitation(request, slug, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WorkspaceInvitationResendApi(APIView):
    @extend_schema(request=None, parameters=[RETRY_AFTER], responses={202: InvitationOutput, 429: TOO_MANY_REQUESTS},
                   description="Sends the invitation again as a new one (new link, new expiry; the old link stops "
                               "working). Counts against the invitation rate limits.")
    def post(self, request, slug: str, pk: int):
        invitation = invitations.invitation_resend(invitation=managed_invitation(request, slug, pk),
                                                   actor=request.user)
        return Response(InvitationOutput(invitation).data, status=status.HTTP_202_ACCEPTED)


class MyInvitationListApi(APIView):
    @extend_schema(responses=MyInvitationOutput(many=True),
                   description="Your open invitations: to your account, or to your e-mail address.")
    def get(self, request):
        return Response(MyInvitationOutput(selectors.invitations_for(user=request.user), many=True).data)


class InvitationAcceptApi(APIView):
    """Accepts an invitation: a signed-in user joins with it (200); a visitor without an account
    sends a username and password, gets an account with the invited e-mail address, joins and is
    signed in (201)."""

    permission_classes = [AllowAny]

    class Input(StrictSerializer):
        username = serializers.CharField(required=False, max_length=150)
        password = serializers.CharField(required=False, write_only=True, trim_whitespace=False)

    @extend_schema(request=Input, responses={200: InvitationAcceptedOutput, 201: InvitationAcceptedOutput})
    def post(self, request, token: str):
        if request.user.is_authenticated:
            membership = invitations.invitation_accept(token=token, user=request.user)
            return Response(InvitationAcceptedOutput(membership).data)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if not d.get("username") or not d.get("password"):
            raise Invalid("Sign in to accept this invitation, or send a username and a password to make an account "
                          "with it.", field="username")
        user, membership = invitations.invitation_sign_up(token=token, username=d["username"], password=d["password"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return Response(InvitationAcceptedOutput(membership).data, status=status.HTTP_201_CREATED)


class InvitationDeclineApi(APIView):
    @extend_schema(request=None, responses={204: None},
                   description="Declines an invitation sent to you: it is closed, and you do not join.")
    def post(self, request, token: str):
        invitations.invitation_decline(token=token, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
