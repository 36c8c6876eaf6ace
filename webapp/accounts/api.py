"""API for signing in, tokens, workspaces and their members (invitations: invitations_api.py)."""
from __future__ import annotations

from django.contrib.auth import login, logout
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.authentication import CSRFCheck
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts import invitations, selectors, services
from webapp.accounts.invitations_api import InvitationOutput
from webapp.accounts.models import Membership, Role
from webapp.common.api import StrictSerializer, page_response, paginated
from webapp.common.errors import Forbidden, Invalid
from webapp.common.schema import RETRY_AFTER, TOO_MANY_REQUESTS, error_response


class UserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField()


def require_csrf_token(request) -> None:
    """Signing in needs the CSRF token, as every other write from a browser does, so that another site
    cannot sign a visitor in to an account of its choosing (login CSRF). DRF checks it only for
    requests that already have a signed-in session, hence this check."""
    check = CSRFCheck(lambda _request: None)
    check.process_request(request)
    reason = check.process_view(request, None, (), {})
    if reason:
        raise Forbidden(f"Sign-in refused: {reason}. Load the sign-in page (or GET /api/v1/auth/me/) first, "
                        "then send its csrftoken cookie back, with the same value in the X-CSRFToken header.")


class LoginApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    class Input(StrictSerializer):
        username = serializers.CharField()
        password = serializers.CharField()

    @extend_schema(request=Input, parameters=[RETRY_AFTER], responses={
        200: UserOutput, 429: TOO_MANY_REQUESTS,
        403: error_response("Sign-in refused: the csrftoken cookie and the same value in the X-CSRFToken header "
                            "are missing or differ (GET /api/v1/auth/me/ sets the cookie).")})
    def post(self, request):
        require_csrf_token(request)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_sign_in(request=request, **data.validated_data)
        login(request, user)
        get_token(request)  # sets the csrftoken cookie the SPA sends back on writes
        return Response(UserOutput(user).data)


class LogoutApi(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    def initial(self, request, *args, **kwargs):
        get_token(request)  # a signed-out visitor gets the csrftoken cookie too: the sign-in form sends it
        super().initial(request, *args, **kwargs)

    @extend_schema(responses=UserOutput)
    def get(self, request):
        get_token(request)
        return Response(UserOutput(request.user).data)


class TokenOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    workspaces = serializers.SerializerMethodField(help_text="The only workspaces the token sees; empty: all of yours.")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_workspaces(self, token) -> list[str]:
        return sorted(w.slug for w in token.workspaces.all())


class TokenListApi(APIView):
    class Input(StrictSerializer):
        name = serializers.CharField(max_length=100)
        expires_in_days = serializers.IntegerField(required=False, allow_null=True, default=None)
        workspaces = serializers.ListField(child=serializers.SlugField(), required=False, default=list,
                                           help_text="Limit the token to these workspace slugs.")

    class CreatedOutput(TokenOutput):
        token = serializers.CharField(help_text="The token itself: shown only in this response.")

    @extend_schema(responses=TokenOutput(many=True))
    def get(self, request):
        tokens = selectors.api_tokens_for(user=request.user, caller=request.auth).prefetch_related("workspaces")
        return Response(TokenOutput(tokens, many=True).data)

    @extend_schema(request=Input, responses={201: CreatedOutput})
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        workspaces = [selectors.workspace_get(user=request.user, slug=slug) for slug in d["workspaces"]]
        if not workspaces and getattr(request.user, "token_workspace_ids", None) is not None:
            # A scoped token cannot mint a token that sees more than it does.
            workspaces = list(selectors.workspaces_for(user=request.user))
        token, plain = services.api_token_create(user=request.user, name=d["name"],
                                                 expires_in_days=d["expires_in_days"], workspaces=workspaces)
        return Response({**TokenOutput(token).data, "token": plain}, status=status.HTTP_201_CREATED)


class TokenDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        token = get_object_or_404(selectors.api_tokens_for(user=request.user, caller=request.auth), pk=pk)
        services.api_token_revoke(token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WorkspaceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices, help_text="Your role in the workspace.")


class WorkspaceListApi(APIView):
    class Input(StrictSerializer):
        name = serializers.CharField(max_length=100)
        slug = serializers.SlugField(max_length=60, required=False, default="")

    @extend_schema(responses=WorkspaceOutput(many=True))
    def get(self, request):
        roles = dict(Membership.objects.filter(user=request.user).values_list("workspace_id", "role"))
        workspaces = selectors.workspaces_for(user=request.user)
        return Response(
            [{"id": w.id, "name": w.name, "slug": w.slug, "role": roles[w.id]} for w in workspaces]
        )

    @extend_schema(request=Input, responses={201: WorkspaceOutput})
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        workspace = services.workspace_create(user=request.user, **data.validated_data)
        return Response(
            {"id": workspace.id, "name": workspace.name, "slug": workspace.slug, "role": Role.OWNER},
            status=status.HTTP_201_CREATED,
        )


class MemberOutput(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    role = serializers.ChoiceField(choices=Role.choices)


class WorkspaceDetailApi(APIView):
    class Output(WorkspaceOutput):
        members = MemberOutput(many=True)

    @extend_schema(responses=Output)
    def get(self, request, slug: str):
        workspace = selectors.workspace_get(user=request.user, slug=slug)
        members = list(workspace.memberships.select_related("user").order_by("user__username"))
        role = next(m.role for m in members if m.user_id == request.user.id)
        return Response(
            {"id": workspace.id, "name": workspace.name, "slug": workspace.slug, "role": role,
             "members": MemberOutput(members, many=True).data}
        )


class WorkspaceMembersApi(APIView):
    class Input(StrictSerializer):
        username = serializers.CharField(required=False, help_text="Invite an existing user by username...")
        email = serializers.EmailField(required=False, help_text="...or anyone by e-mail address.")
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(request=Input, parameters=[RETRY_AFTER], responses={202: InvitationOutput, 429: TOO_MANY_REQUESTS},
                   description="Invites someone to the workspace (owners and admins): nobody is added until they "
                               "accept. An address gets an e-mail with a link to accept (or to make an account "
                               "with); an account sees the invitation in the UI (GET /invitations/).")
    def post(self, request, slug: str):
        workspace = selectors.workspace_get(user=request.user, slug=slug)
        services.require_manager(workspace=workspace, actor=request.user)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if bool(d.get("username")) == bool(d.get("email")):
            raise Invalid("Give either a username or an e-mail address.", field="username")
        invitation = invitations.invitation_create(workspace=workspace, actor=request.user, role=d["role"],
                                                   email=d.get("email", ""), username=d.get("username", ""))
        return Response(InvitationOutput(invitation).data, status=status.HTTP_202_ACCEPTED)


class WorkspaceMemberDetailApi(APIView):
    class Input(StrictSerializer):
        role = serializers.ChoiceField(choices=Role.choices)

    def _membership(self, request, slug: str, username: str) -> Membership:
        workspace = selectors.workspace_get(user=request.user, slug=slug)
        return get_object_or_404(Membership.objects.select_related("user", "workspace"), workspace=workspace,
                                 user__username=username)

    @extend_schema(request=Input, responses=MemberOutput)
    def patch(self, request, slug: str, username: str):
        membership = self._membership(request, slug, username)
        services.require_manager(workspace=membership.workspace, actor=request.user)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_change_role(membership=membership, actor=request.user, **data.validated_data)
        return Response(MemberOutput(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request, slug: str, username: str):
        services.membership_remove(membership=self._membership(request, slug, username), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AuditEventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    action = serializers.CharField()
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    detail = serializers.JSONField()
    created_at = serializers.DateTimeField()


class WorkspaceAuditApi(APIView):
    @extend_schema(responses=paginated(AuditEventOutput, "AuditEventPage"), operation_id="workspace_audit_list")
    def get(self, request, slug: str):
        workspace = selectors.workspace_get(user=request.user, slug=slug)
        return page_response(request, self, workspace.audit_events.select_related("actor"),
                             lambda page: AuditEventOutput(page, many=True).data)
