"""A database outage as a worker's supervisor lives through it: which errors are one (the
connection failed, not the statement), when to try again (exponential backoff), and for how long
it has lasted. The supervisor keeps what it could not write and tries again; it gives up only
after RUN_DATABASE_OUTAGE_MAX_S."""
from __future__ import annotations

import logging
import time

from django.db import InterfaceError, OperationalError, connection

log = logging.getLogger("worker")

# What a lost or refused connection raises (psycopg's OperationalError and InterfaceError, SQLite's
# "database is locked"), as Django wraps them. An IntegrityError or a programming error is a bug,
# not an outage: it is not retried.
OUTAGE_ERRORS = (OperationalError, InterfaceError)
FIRST_RETRY_S = 0.5
LONGEST_RETRY_S = 10.0


def drop_connection() -> None:
    """Closes this thread's database connection after a failure, so the next query opens a new one
    instead of failing on the broken one."""
    try:
        connection.close()
    except OUTAGE_ERRORS:
        pass


class Outage:
    """The state of one writer's connection to the database: fine, or down since `since`."""

    def __init__(self) -> None:
        self.since: float | None = None
        self.delay_s = FIRST_RETRY_S
        self.next_try = 0.0
        self.last_error = ""

    def due(self, now: float | None = None) -> bool:
        """Whether to try writing now (always while the database answers)."""
        return (now if now is not None else time.monotonic()) >= self.next_try

    def failed(self, error: Exception) -> None:
        """A write failed for want of the database: the connection is dropped (the next try opens a
        new one) and the next try waits twice as long as the last, up to LONGEST_RETRY_S."""
        now = time.monotonic()
        if self.since is None:
            self.since = now
            log.warning("database unreachable (%s): keeping the run's rows and retrying", error)
        self.last_error = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        self.next_try = now + self.delay_s
        self.delay_s = min(self.delay_s * 2, LONGEST_RETRY_S)
        drop_connection()

    def recovered(self) -> None:
        if self.since is not None:
            log.warning("database reachable again after %.0f s: the run's rows are written", self.lasted_s())
        self.since = None
        self.delay_s = FIRST_RETRY_S
        self.next_try = 0.0

    def lasted_s(self, now: float | None = None) -> float:
        """Seconds since the first failed write of this outage (0 when there is none)."""
        return 0.0 if self.since is None else (now if now is not None else time.monotonic()) - self.since

    def describe(self) -> str:
        return f"the database could not be reached for {self.lasted_s():.0f} s (last error: {self.last_error})"
