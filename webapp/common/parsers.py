"""The API's JSON parser: DRF's, with a bound on the body's size.

DRF reads a JSON body straight from the request stream, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE
never applies to it: without a bound here, one request could make the server hold gigabytes.
"""
from __future__ import annotations

import io

from django.conf import settings
from rest_framework.parsers import JSONParser

from webapp.common.errors import TooLarge


def _size(n: int) -> str:
    return f"{n / 1024**2:.1f} MiB" if n >= 1024**2 else f"{n} bytes"


class SizeLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.JSON_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        except ValueError:
            declared = 0
        body = b"" if declared > limit else stream.read(limit + 1)
        if declared > limit or len(body) > limit:
            raise TooLarge(
                f"The JSON body is {'larger than ' if declared <= limit else ''}{_size(max(declared, len(body)))}; "
                f"the API accepts JSON bodies of at most {_size(limit)} (JSON_MAX_BODY_BYTES). Send less at once, "
                "or upload large data as a file (datasets and models have upload endpoints).")
        return super().parse(io.BytesIO(body), media_type, parser_context)
