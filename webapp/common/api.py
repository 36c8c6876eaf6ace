"""Shared API plumbing: pagination, the error format, and strict serializers."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from webapp.common.errors import ServiceError, TooManyRequests


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def page_response(request, view, queryset, render):
    """One page of `queryset` in the list format (count, next, previous, results); `render` turns
    the page's objects into data (a serializer's `many=True` output, or a batch serializer)."""
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(render(page))


def _flatten(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error dict -> {"dotted.path": [messages]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, path))
    elif isinstance(errors, list) and errors and all(not isinstance(e, (dict, list)) for e in errors):
        flat[prefix or "non_field_errors"] = [str(e) for e in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "non_field_errors"] = [str(errors)]
    return flat


def api_page_not_found(request, exception=None):
    """Django's 404 for a URL no route matches (an id that is not a number, a misspelt path): JSON
    in the API's error format under /api/, the plain page elsewhere."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": f"Not found: no API operation has the path {request.path!r}: check the ids "
                             "and names in it, and the list of operations at /api/docs/."}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        body = {"detail": exc.message}
        if exc.errors:
            body["errors"] = exc.errors
        headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, TooManyRequests) else None
        return Response(body, status=exc.status_code, headers=headers)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found: it does not exist or you are not a member of its workspace.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first_path, first_messages = next(iter(errors.items()))
        response.data = {"detail": f"Invalid input: {first_path}: {first_messages[0]}", "errors": errors}
    elif isinstance(exc, exceptions.NotAuthenticated):
        response.data = {"detail": "Not signed in: log in, or send 'Authorization: Token <your API token>'."}
    return response


class StrictSerializer(serializers.Serializer):
    """An input serializer that rejects unknown fields instead of silently dropping them."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [f"Unknown field. Allowed fields: {', '.join(sorted(self.fields))}."] for name in unknown}
                )
        return super().to_internal_value(data)


def paginated(item: type[serializers.Serializer], name: str) -> serializers.Serializer:
    """The schema of a page of `item`s as Pagination answers it (count, next, previous, results)."""
    page = type(name, (serializers.Serializer,), {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    })
    return page()
