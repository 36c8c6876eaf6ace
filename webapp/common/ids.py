"""One reading of an object id, wherever one arrives (a path segment, a query parameter).

Ids are whole numbers from 1 to 2**63 - 1, the largest integer a database column holds: SQLite
raises OverflowError for a larger one (a 500), so a larger id is simply one that does not exist.
"""
from __future__ import annotations

import re

from webapp.common.errors import Invalid

MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]+")


def parse_id(raw: str | int | None) -> int | None:
    """The id `raw` spells, or None when it is not a whole number from 1 to MAX_ID (ASCII digits
    only: int() would also take '+1', ' 1', '1_0' and other scripts' digits)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 1 <= raw <= MAX_ID else None
    if not isinstance(raw, str) or not _DIGITS.fullmatch(raw) or len(raw) > 19:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


def require_id(raw: str | None, *, field: str) -> int:
    """parse_id, or a 400 on `field` saying what an id is."""
    value = parse_id(raw)
    if value is None:
        raise Invalid(f"{field} must be an id (a whole number), not '{raw}'.", field=field)
    return value


class IdConverter:
    """Path converter `<id:pk>`: an id in range, else the URL does not match (a 404, never a 500)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(value)  # Django reads a ValueError as "this pattern does not match"
        return parsed

    def to_url(self, value: int) -> str:
        return str(value)
