"""Security headers Django's own middleware does not send: the Content-Security-Policy."""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView


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


class ApiDocsView(SpectacularSwaggerSplitView):
    """The Swagger page at /api/docs/. Its start-up script is served from this server (?script=),
    so the page needs no inline script; Swagger UI's own files come from the jsDelivr CDN, which
    this page's Content-Security-Policy lets in (the rest of the site's policy does not)."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if settings.CONTENT_SECURITY_POLICY:
            cdn = "https://cdn.jsdelivr.net"
            response["Content-Security-Policy"] = (
                f"default-src 'self'; script-src 'self' {cdn}; style-src 'self' 'unsafe-inline' {cdn}; "
                f"img-src 'self' data: {cdn}; connect-src 'self'; object-src 'none'; base-uri 'self'; "
                "frame-ancestors 'none'")
        return response
