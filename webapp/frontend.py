"""Serves the built single-page app: one HTML page whose script tags come from Vite's manifest.

Every UI route (/, /runs/12, ...) falls through to this page and the SPA's router takes over.
With FRONTEND_DEV_SERVER set, the page loads the scripts from `npm run dev` instead.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

ENTRY = "src/main.tsx"


def _manifest_assets() -> dict:
    manifest_file = settings.FRONTEND_DIST / ".vite" / "manifest.json"
    if not manifest_file.exists():
        return {}
    # Keyed by modification time, so a rebuild is picked up without restarting the server.
    return _read_manifest(str(manifest_file), manifest_file.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _read_manifest(path: str, mtime_ns: int) -> dict:
    entry = json.loads(Path(path).read_text())[ENTRY]
    return {"script": entry["file"], "styles": entry.get("css", [])}


@ensure_csrf_cookie  # the sign-in form sends the csrftoken cookie back
def index(request):
    if settings.FRONTEND_DEV_SERVER:
        return render(request, "index.html", {"dev_server": settings.FRONTEND_DEV_SERVER.rstrip("/")})
    assets = _manifest_assets()
    if not assets:
        return HttpResponse(
            "The frontend is not built yet: run `make frontend` (or `make run`, which builds it).",
            status=503, content_type="text/plain",
        )
    return render(request, "index.html", {"assets": assets})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
