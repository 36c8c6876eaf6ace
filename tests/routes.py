"""The API's (route pattern, method) pairs, read from the URL resolver: the list that the access
tests walk and that `--route-coverage` checks for a success answer."""
from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver


def api_routes(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from api_routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and (prefix + str(entry.pattern)).startswith("api/"):
            view = getattr(entry.callback, "view_class", None)
            if view is None or not hasattr(view, "permission_classes"):
                continue  # not a DRF view
            for method in ("get", "post", "put", "patch", "delete"):
                if hasattr(view, method):
                    yield prefix + str(entry.pattern), method
