"""Request checks every view would otherwise repeat.

A NUL character (`%00`) in a path segment or a query parameter reached PostgreSQL, which refuses
any string holding one (`ValueError: A string literal cannot contain NUL`): a 500 on every
endpoint, the unauthenticated `/shared/{token}/` and `/invitations/{token}/accept/` included. No
id, slug, token, name or filter value contains one, so the request is refused before routing.
"""
from __future__ import annotations

from django.http import JsonResponse
from django.utils.deprecation import MiddlewareMixin


def _nul_in_query(request) -> str | None:
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return key.replace("\x00", "%00")
    return None


class RejectNulBytesMiddleware(MiddlewareMixin):
    """A 400 for a NUL in the path or the query. MiddlewareMixin makes it sync and async capable,
    so under ASGI it costs no thread hop."""

    def process_request(self, request):
        if "\x00" in request.path:
            return JsonResponse({"detail": "The URL's path holds a NUL character (%00), which no id, name or token "
                                 "contains: remove it."}, status=400)
        parameter = _nul_in_query(request)
        if parameter is not None:
            message = f"The query parameter '{parameter}' holds a NUL character (%00): remove it."
            return JsonResponse({"detail": message, "errors": {parameter: [message]}}, status=400)
        return None
