"""Errors a user can act on.

Their message says what was wrong and what to do about it; the CLI prints it as is, without a
traceback. Anything else that escapes a run is a bug or an environment problem and is reported
with its traceback on stderr.
"""


class EngineError(Exception):
    """A run cannot go on because of something the user can fix (a missing file, a bad dataset)."""


class SpecError(EngineError):
    """The run spec cannot be read or does not validate (the CLI exits with code 2)."""
