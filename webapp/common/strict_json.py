"""JSON the API can always answer with again: what is accepted and stored must serialise later.

Python's `json` reads `NaN`, `Infinity`, `1e999` (an infinite float) and `"\\ud800"` (a lone
surrogate, which no UTF-8 response can carry), and overflows the stack on a 100,000-deep nesting;
a value like that, once stored, made every later GET of it a 500. `strict_loads` refuses them all
with a message, and `json_value_problem` checks a value that did not come from text.
"""
from __future__ import annotations

import json
import math

MAX_DEPTH = 64


class NotStrictJson(ValueError):
    """The text is not JSON that can be stored and answered with again; str(exc) says why."""


def _refuse_constant(name: str):
    raise NotStrictJson(f"{name} is not a JSON number: write null, or a finite number")


def json_value_problem(value, *, max_depth: int = MAX_DEPTH) -> str | None:
    """Why `value` cannot be sent as strict UTF-8 JSON (None when it can): a NaN or infinite
    number, a string with a lone surrogate, or containers nested deeper than `max_depth`.
    Iterative, so a deep value cannot overflow the stack here."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                return (f"a string holds a lone surrogate ({item[exc.start]!r}), which is not valid Unicode: "
                        "write the character itself, or a surrogate pair")
        elif isinstance(item, float):
            if not math.isfinite(item):
                return f"{item} is not a JSON number: write null, or a finite number"
        elif isinstance(item, (dict, list)):
            if depth > max_depth:
                return f"values are nested more than {max_depth} deep"
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return None


def strict_loads(text: str | bytes, *, max_depth: int = MAX_DEPTH):
    """json.loads, refusing what `json_value_problem` refuses (raises NotStrictJson) and any text
    that is not JSON (json.JSONDecodeError, UnicodeDecodeError)."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise NotStrictJson(f"values are nested more than {max_depth} deep") from None
    problem = json_value_problem(value, max_depth=max_depth)
    if problem:
        raise NotStrictJson(problem)
    return value
