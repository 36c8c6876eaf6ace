"""Errors a service raises when the caller asked for something it cannot have.

The API's exception handler turns them into 4xx answers with the message, so services never
build HTTP responses and views never guess messages.
"""
from __future__ import annotations


class ServiceError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or ({field: [message]} if field else None)


class Invalid(ServiceError):
    status_code = 400


class Forbidden(ServiceError):
    status_code = 403


class NotFound(ServiceError):
    status_code = 404


class Conflict(ServiceError):
    status_code = 409


class TooLarge(ServiceError):
    status_code = 413


class TooManyRequests(ServiceError):
    """429: the caller must wait `retry_after_s` seconds (sent as the Retry-After header)."""

    status_code = 429

    def __init__(self, message: str, *, retry_after_s: int):
        super().__init__(message)
        self.retry_after_s = max(1, int(retry_after_s))
