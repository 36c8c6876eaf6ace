"""API for signing in, tokens and workspaces."""
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

from webapp.accounts import selectors, services
from webapp.accounts.models import Membership, Role, User
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


class InvitationOutput(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    expires_at = serializers.DateTimeField()


class WorkspaceMembersApi(APIView):
    class Input(StrictSerializer):
        username = serializers.CharField(required=False, help_text="Add an existing user by username...")
        email = serializers.EmailField(required=False, help_text="...or invite by e-mail address.")
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(request=Input, parameters=[RETRY_AFTER],
                   responses={201: MemberOutput, 202: InvitationOutput, 429: TOO_MANY_REQUESTS})
    def post(self, request, slug: str):
        from webapp.accounts.models import Invitation

        workspace = selectors.workspace_get(user=request.user, slug=slug)
        services.require_manager(workspace=workspace, actor=request.user)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if bool(d.get("username")) == bool(d.get("email")):
            raise Invalid("Give either a username or an e-mail address.", field="username")
        if d.get("email"):
            result = services.invitation_create(workspace=workspace, actor=request.user, email=d["email"],
                                                role=d["role"])
            if isinstance(result, Invitation):
                return Response(InvitationOutput(result).data, status=status.HTTP_202_ACCEPTED)
            return Response(MemberOutput(result).data, status=status.HTTP_201_CREATED)
        user = User.objects.filter(username=d["username"]).first()
        if user is None:
            raise Invalid(f"There is no user '{d['username']}': invite them by e-mail address instead.",
                          field="username")
        membership = services.membership_add(workspace=workspace, actor=request.user, user=user, role=d["role"])
        return Response(MemberOutput(membership).data, status=status.HTTP_201_CREATED)


class InvitationAcceptApi(APIView):
    """Accepts an invitation: a signed-in user joins with it (200); a visitor without an account
    sends a username and password, gets an account with the invited e-mail address, joins and is
    signed in (201)."""

    permission_classes = [AllowAny]

    class Input(StrictSerializer):
        username = serializers.CharField(required=False, max_length=150)
        password = serializers.CharField(required=False, write_only=True, trim_whitespace=False)

    @extend_schema(request=Input, responses={200: MemberOutput, 201: MemberOutput})
    def post(self, request, token: str):
        if request.user.is_authenticated:
            membership = services.invitation_accept(token=token, user=request.user)
            return Response({"workspace": membership.workspace.slug, **MemberOutput(membership).data})
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if not d.get("username") or not d.get("password"):
            raise Invalid("Sign in to accept this invitation, or send a username and a password to make an account "
                          "with it.", field="username")
        user, membership = services.invitation_sign_up(token=token, username=d["username"], password=d["password"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return Response({"workspace": membership.workspace.slug, **MemberOutput(membership).data},
                        status=status.HTTP_201_CREATED)


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
