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
        {"prompt": (str, list), "chosen": (str, list), "rejected": (str, list)},
        "preference datasets need prompt, chosen, rejected: strings, or a prompt of chat messages with chosen and "
        "rejected as strings or lists of assistant messages",
    ),
    "classification": ({"text": str, "label": (str, int)}, 'classification datasets need {"text": "...", "label": ...}'),
}

TYPE_NAMES = {str: "a string", list: "a list", int: "an integer", (str, int): "a string or an integer",
              (str, list): "a string or a list of messages"}


def _messages_problem(messages: list, field: str, *, role: str | None = None) -> str | None:
    """Why a list of chat messages is malformed (None if it is fine); `role`: the one role allowed."""
    if not messages:
        return f"field '{field}' is empty"
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str) or not isinstance(
            message.get("content"), str
        ):
            return f"{field}[{index}] needs a string 'role' and a string 'content'"
        if role and message["role"] != role:
            return f"{field}[{index}] has role '{message['role']}': the answers in '{field}' must be {role} messages"
    return None


def _preference_problem(row: dict) -> str | None:
    """Plain rows are three strings; chat rows give the prompt as messages and each answer as a string
    or a list of assistant messages, both answers in the same form."""
    if isinstance(row["prompt"], list):
        problem = _messages_problem(row["prompt"], "prompt")
        if problem:
            return problem
    elif isinstance(row["chosen"], list) or isinstance(row["rejected"], list):
        return ("a string prompt needs string answers: give 'prompt' as a list of chat messages to give "
                "'chosen' and 'rejected' as messages")
    if type(row["chosen"]) is not type(row["rejected"]):
        return "'chosen' and 'rejected' must have the same form: both strings or both lists of assistant messages"
    for field in ("chosen", "rejected"):
        if isinstance(row[field], list):
            problem = _messages_problem(row[field], field, role="assistant")
            if problem:
                return problem
    return None


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
        return _messages_problem(row["messages"], "messages")
    if kind == "preference":
        return _preference_problem(row)
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
