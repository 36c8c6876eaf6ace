"""Security headers Django's own middleware does not send: the Content-Security-Policy."""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


class ContentSecurityPolicyMiddleware:
    """Adds settings.CONTENT_SECURITY_POLICY (when not empty) to every response that has none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


# The API docs pages load Swagger UI and ReDoc from this installation (drf-spectacular-sidecar's
# static files), never from a CDN: they work without internet, and their policy lets nothing in from
# elsewhere. Neither page has an inline script (Swagger's start-up script is served from ?script=).
# Both set inline styles; ReDoc builds its search index in a Web Worker made from a blob: URL.
API_DOCS_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                   "font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
                   "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def _docs_policy(response):
    if settings.CONTENT_SECURITY_POLICY:
        response["Content-Security-Policy"] = API_DOCS_POLICY
    return response


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI at /api/docs/."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return _docs_policy(super().get(request, *args, **kwargs))


class ApiRedocView(SpectacularRedocView):
    """ReDoc at /api/redoc/, without drf-spectacular's Google Fonts."""

    template_name = "api_docs/redoc.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return _docs_policy(super().get(request, *args, **kwargs))
