"""Row-by-row validation of uploaded datasets: what each kind needs, with messages a user can act on."""
from __future__ import annotations

import json
from typing import IO, Iterator

from webapp.common.strict_json import NotStrictJson, strict_loads

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
    "classification": (
        {"text": str, "label": (str, int)}, 'classification datasets need {"text": "...", "label": ...}',
    ),
}

TYPE_NAMES = {str: "a string", list: "a list", int: "an integer", (str, int): "a string or an integer",
              (str, list): "a string or a list of messages"}


# The roles the engine's chat template accepts (engine.core.data.CHAT_ROLES; not imported: it loads torch).
CHAT_ROLES = ("system", "user", "assistant", "tool")


def _messages_problem(messages: list, field: str, *, roles: tuple[str, ...] | None = None) -> str | None:
    """Why a list of chat messages is malformed (None if it is fine); `roles`: the roles allowed."""
    if not messages:
        return f"field '{field}' is empty"
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str) or not isinstance(
            message.get("content"), str
        ):
            return f"{field}[{index}] needs a string 'role' and a string 'content'"
        if roles and message["role"] not in roles:
            return f"{field}[{index}] has role '{message['role']}': use {' or '.join(roles)}"
    return None


def _preference_problem(row: dict) -> str | None:
    """Plain rows are three strings. Chat rows give the prompt as messages and each answer as a string
    (the assistant's reply) or a list of assistant messages, as engine.methods.preference.data reads them."""
    if isinstance(row["prompt"], str):
        if isinstance(row["chosen"], list) or isinstance(row["rejected"], list):
            return ("a string prompt needs string answers: give 'prompt' as a list of chat messages to give "
                    "'chosen' and 'rejected' as messages")
        return None
    problem = _messages_problem(row["prompt"], "prompt", roles=CHAT_ROLES)
    for field in ("chosen", "rejected"):
        if problem is None and isinstance(row[field], list):
            problem = _messages_problem(row[field], field, roles=("assistant",))
    return problem


def _preference_form(row: dict) -> str:
    return "chat" if isinstance(row["prompt"], list) else "plain"


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
    form = None  # preference data: the first good row's form (plain or chat) is every row's, as in the engine
    for number, raw in enumerate(stream, start=1):
        line = raw.strip()
        if not line:
            continue
        try:
            row = strict_loads(line)
        except UnicodeDecodeError as exc:
            yield number, f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at column {exc.start + 1}): save the " \
                          "file as UTF-8"
            continue
        except json.JSONDecodeError as exc:
            yield number, f"not valid JSON ({exc.msg})"
            continue
        except NotStrictJson as exc:  # NaN, Infinity, a lone surrogate, a 100,000-deep nesting
            yield number, f"not storable JSON: {exc}"
            continue
        problem = _row_problem(row, kind)
        if problem is None and kind == "preference":
            form = form or _preference_form(row)
            if _preference_form(row) != form:
                problem = (f"a {_preference_form(row)} row in a {form} preference dataset: the first row sets the "
                           "form, so every 'prompt' must be a string, or every one a list of messages")
        yield number, problem
