"""Row-by-row validation of uploaded datasets: what each kind needs, with messages a user can act on."""
from __future__ import annotations

import json
from typing import IO, Iterator

MAX_REPORTED_ERRORS = 20

# kind -> (required fields and their types, a hint naming the expected shape)
REQUIRED_FIELDS: dict[str, tuple[dict[str, type | tuple[type, ...]], str]] = {
    "text": ({"text": str}, 'text datasets need {"text": "..."}'),
    "prompt-completion": (
        {"prompt": str, "completion": str},
        'prompt-completion datasets need {"prompt": "...", "completion": "..."}',
    ),
    "chat": ({"messages": list}, 'chat datasets need {"messages": [{"role": "user", "content": "..."}, ...]}'),
    "preference": (
        {"prompt": str, "chosen": str, "rejected": str},
        "preference datasets need prompt, chosen, rejected",
    ),
    "classification": ({"text": str, "label": (str, int)}, 'classification datasets need {"text": "...", "label": ...}'),
}

TYPE_NAMES = {str: "a string", list: "a list", int: "an integer", (str, int): "a string or an integer"}


def _row_problem(row: object, kind: str) -> str | None:
    fields, hint = REQUIRED_FIELDS[kind]
    if not isinstance(row, dict):
        return f"expected a JSON object, got {type(row).__name__} ({hint})"
    for name, expected in fields.items():
        if name not in row:
            return f"field '{name}' is missing ({hint})"
        value = row[name]
        if isinstance(value, bool) or not isinstance(value, expected):
            return f"field '{name}' must be {TYPE_NAMES[expected]}, got {type(value).__name__}"
        if isinstance(value, str) and not value.strip():
            return f"field '{name}' is empty"
    if kind == "chat":
        for index, message in enumerate(row["messages"]):
            if not isinstance(message, dict) or not isinstance(message.get("role"), str) or not isinstance(
                message.get("content"), str
            ):
                return f"messages[{index}] needs a string 'role' and a string 'content'"
        if not row["messages"]:
            return "field 'messages' is empty"
    return None


def iter_jsonl_problems(stream: IO[bytes], kind: str) -> Iterator[tuple[int, str | None]]:
    """Yields (row number, problem or None) for every non-blank line; row numbers start at 1."""
    for number, raw in enumerate(stream, start=1):
        line = raw.strip()
        if not line:
            continue
        try:
            row = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield number, f"not valid JSON ({exc.msg if hasattr(exc, 'msg') else exc})"
            continue
        yield number, _row_problem(row, kind)
