"""Counting attempts per key in a time window, on Django's cache (Redis in a team deployment,
this process's memory in the embedded default): sign-in failures per account and per address,
invitation e-mails per workspace.

A window opens at a key's first count and lasts `window_s` seconds; at `limit` counts the key is
blocked until the window ends. Fixed windows keep each check to two cache round trips.
"""
from __future__ import annotations

import math
import time

from django.core.cache import cache

from webapp.common.errors import TooManyRequests


def _keys(key: str) -> tuple[str, str]:
    return f"throttle:{key}:n", f"throttle:{key}:until"


def throttle_wait_s(*, key: str, limit: int) -> int:
    """Seconds until `key` may be counted again: 0 while it is under `limit`."""
    count_key, until_key = _keys(key)
    values = cache.get_many([count_key, until_key])
    if values.get(count_key, 0) < limit:
        return 0
    return max(1, math.ceil(values.get(until_key, time.time() + 1) - time.time()))


def throttle_count(*, key: str, window_s: int) -> int:
    """Counts one attempt for `key`; returns the count in the current window."""
    count_key, until_key = _keys(key)
    if cache.add(count_key, 0, timeout=window_s):
        cache.set(until_key, time.time() + window_s, timeout=window_s)
    try:
        return cache.incr(count_key)
    except ValueError:  # the window ended between add and incr
        cache.set(count_key, 1, timeout=window_s)
        cache.set(until_key, time.time() + window_s, timeout=window_s)
        return 1


def throttle_reset(*, key: str) -> None:
    cache.delete_many(list(_keys(key)))


def throttle_check(*, key: str, limit: int, message: str) -> None:
    """Raises 429 when `key` reached `limit`; `message` is completed with when to try again."""
    wait = throttle_wait_s(key=key, limit=limit)
    if wait:
        raise TooManyRequests(f"{message} Try again in {_duration(wait)}.", retry_after_s=wait)


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"
