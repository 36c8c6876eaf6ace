"""Query parameters the registry's list endpoints share."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter

WORKSPACE_PARAM = OpenApiParameter("workspace", str, description="Workspace slug to list from.")


PAGE_PARAMS = [OpenApiParameter("page", int), OpenApiParameter("page_size", int, description="At most 500.")]
