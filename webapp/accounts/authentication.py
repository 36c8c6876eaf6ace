"""DRF authentication: personal API tokens (`Authorization: Token dst_...`) and the session."""
from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions

from webapp.accounts.models import ApiToken
from webapp.accounts.tokens import hash_token

# last_used_at is written at most this often per token, so a busy script does not turn every
# request into a write.
LAST_USED_RESOLUTION_S = 60


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in {"token", "bearer"}:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header: send 'Authorization: Token <your token>'."
            )
        token = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(header[1]), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                "Invalid or revoked API token: create a new one in workspace settings or with POST /api/v1/tokens/."
            )
        now = timezone.now()
        if token.expires_at is not None and token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                f"This API token expired on {token.expires_at:%Y-%m-%d %H:%M} UTC: create a new one."
            )
        scope = list(token.workspaces.values_list("id", flat=True))
        if scope:
            # Read by every scoped selector (accounts.selectors.member_of) for this request only.
            token.user.token_workspace_ids = scope
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_S:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session; answers 401 (not 403) to anonymous requests via the header below."""

    def authenticate_header(self, request) -> str:
        return 'Session realm="api"'
